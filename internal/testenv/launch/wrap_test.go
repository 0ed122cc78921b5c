package launch

import "testing"

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		name    string
		argv    []string
		env     []string
		want    int
		wantErr bool
	}{
		{"success", []string{"true"}, nil, 0, false},
		{"exit code", []string{"sh", "-c", "exit 7"}, nil, 7, false},
		{"env added", []string{"sh", "-c", `test "$WRAP_TEST" = yes`}, []string{"WRAP_TEST=yes"}, 0, false},
		{"no such command", []string{"/nonexistent/command"}, nil, 0, true},
		{"no command", nil, nil, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Wrap(c.argv, c.env...)
			if (err != nil) != c.wantErr {
				t.Fatalf("err %v, want an error: %v", err, c.wantErr)
			}
			if got != c.want {
				t.Errorf("exit code %d, want %d", got, c.want)
			}
		})
	}
}
