package server

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewRefusesBadWorkflowConfig: a business-hours file that does not
// validate and an unknown or repeated pre-chat field stop the start with
// an error naming the problem.
func TestNewRefusesBadWorkflowConfig(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"zone":"Europe/Nowhere","week":{"mon":["09:00-17:00"]}}`), 0o600))
	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"zone":"Europe/Stockholm","week":{"mon":["09:00-17:00"]}}`), 0o600))
	cases := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"missing hours file", Config{Hours: filepath.Join(dir, "none.json")}, "business hours:"},
		{"bad zone", Config{Hours: bad}, `"Europe/Nowhere" is not an IANA time zone`},
		{"unknown pre-chat field", Config{PreChat: []string{"name", "phone"}}, `unknown field "phone"`},
		{"repeated pre-chat field", Config{PreChat: []string{"email", "email"}}, "listed twice"},
		{"valid", Config{Hours: good, PreChat: []string{"name", " email", ""}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Data, c.cfg.Files = t.TempDir(), testFiles()
			s, err := New(context.Background(), c.cfg)
			if c.wantErr == "" {
				require.NoError(t, err)
				s.Close()
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.wantErr)
		})
	}
}
