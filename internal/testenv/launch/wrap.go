package launch

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// Wrap runs argv with this process's standard input, output and error and
// env added to its environment, passes SIGINT and SIGTERM on to it, and
// returns its exit code. It is how a wrapper that prepares something for
// a command (a PostgreSQL cluster, a test API) runs the command: the
// wrapper cleans up after Wrap returns, whatever the command did.
func Wrap(argv []string, env ...string) (int, error) {
	if len(argv) == 0 {
		return 0, errors.New("launch: no command to run")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("launch: %w", err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		for s := range sig {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 0, fmt.Errorf("launch: %w", err)
	}
	return 0, nil
}
