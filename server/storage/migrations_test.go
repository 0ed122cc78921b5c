package storage

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// shippedMigrations lists the base names of the migrations in dir
// ("migrations/sqlite"), in the order they apply, and the newest version.
func shippedMigrations(t *testing.T, dir string) (names []string, latest int) {
	t.Helper()
	paths, err := fs.Glob(migrationFiles, dir+"/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		names = append(names, path.Base(p))
	}
	return names, migrationVersion(t, names[len(names)-1])
}

// migrationVersion is the number a migration's name starts with.
func migrationVersion(t *testing.T, name string) int {
	t.Helper()
	num, _, _ := strings.Cut(name, "_")
	v, err := strconv.Atoi(num)
	require.NoError(t, err, name)
	return v
}
