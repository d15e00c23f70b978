package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ssfsimBin is the real binary, built once for the command tests.
var ssfsimBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ssfsim-test")
	if err != nil {
		panic(err)
	}
	ssfsimBin = filepath.Join(dir, "ssfsim")
	if out, err := exec.Command("go", "build", "-o", ssfsimBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs ssfsim and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(ssfsimBin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}
