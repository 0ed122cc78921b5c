package debian

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMissing(t *testing.T) {
	file := filepath.Join(t.TempDir(), "module.so")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	cases := []struct {
		name string
		need Need
		want bool
	}{
		{"command on PATH", Need{Command: "sh"}, false},
		{"command not on PATH", Need{Command: "crumbless-no-such-command"}, true},
		{"file present", Need{File: file}, false},
		{"file absent", Need{File: file + ".gone"}, true},
		{"glob matches", Need{Glob: filepath.Join(filepath.Dir(file), "*.so")}, false},
		{"glob matches nothing", Need{Glob: filepath.Join(filepath.Dir(file), "*", "module.so")}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.need.missing())
		})
	}
}

func TestInstallDoesNothingWhenNothingIsMissing(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, Install(context.Background(), &out, Need{Command: "sh", Package: "dash"}))
	assert.Empty(t, out.String(), "apt-get must not run")
}

func TestRequire(t *testing.T) {
	require.NoError(t, Require(Need{Command: "sh", Package: "dash"}))
	err := Require(Need{Command: "sh", Package: "dash"}, Need{Command: "crumbless-no-such-command", Package: "crumbless-tool"},
		Need{Glob: "/crumbless-no-such-folder/*/bin/initdb", Package: "postgresql"})
	require.Error(t, err)
	assert.Equal(t, "missing crumbless-tool (crumbless-no-such-command on PATH), postgresql (no file matches /crumbless-no-such-folder/*/bin/initdb): run make deps (as root on Debian) to install it", err.Error())
}
