package nginx

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/crumbless/crumbless/internal/testenv/debian"
	"github.com/crumbless/crumbless/internal/testenv/launch"
)

// TestStart runs nginx with a server block that answers a fixed text, and
// proxies to it from a second block, as a test in front of Crumbless does;
// in one process and with a master and two workers.
func TestStart(t *testing.T) {
	if err := debian.Require(debian.Nginx); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{0, 2} {
		t.Run("workers "+strconv.Itoa(workers), func(t *testing.T) {
			var base string
			var h *launch.Host
			err := launch.OnFreePort(func(port int) error {
				back, err := launch.FreePort()
				if err != nil {
					return err
				}
				base = "http://127.0.0.1:" + strconv.Itoa(port)
				h, err = Start(context.Background(), Config{Dir: t.TempDir(), Workers: workers, HTTP: `
	upstream back { server 127.0.0.1:` + strconv.Itoa(back) + `; }
	server { listen 127.0.0.1:` + strconv.Itoa(back) + `; location / { return 200 "behind"; } }
	server { listen 127.0.0.1:` + strconv.Itoa(port) + `; location / { proxy_pass http://back; } }
`}, base+"/", nil)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Stop()
			res, err := http.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(body) != "behind" {
				t.Errorf("through the proxy: %q, want %q", body, "behind")
			}
			if err := h.Stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
		})
	}
}

func TestConf(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Config
		want []string
	}{
		{"defaults", Config{Dir: "/d"}, []string{"master_process off;\nworker_processes 1;\npid", "worker_connections 256;", "pid /d/nginx.pid;", "proxy_temp_path /d/proxy;"}},
		{"many streams", Config{Dir: "/d", Connections: 12000, Workers: 2, Files: 19000}, []string{"master_process on;\nworker_processes 2;\nworker_rlimit_nofile 19000;", "worker_connections 12000;"}},
		{"main and http", Config{Dir: "/d", Main: "load_module m.so;", HTTP: "server { listen 1; }"}, []string{"load_module m.so;\ndaemon off;", "server { listen 1; }\n}\n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Conf(c.in)
			if c.in.Files == 0 && strings.Contains(got, "worker_rlimit_nofile") {
				t.Errorf("Conf sets a file limit it was not given:\n%s", got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("Conf lacks %q:\n%s", w, got)
				}
			}
		})
	}
}
