package redisbudget_test

import (
	"os/exec"
	"syscall"
)

// diesWithTest has the kernel kill cmd's process when the test binary
// dies, by a panic or go test's -timeout too, which run no cleanup: a
// redis-server or a helper process left behind would run for ever. (The
// signal comes when the thread that started cmd ends; the Go runtime ends
// a thread only under runtime.LockOSThread, which these tests never use.)
func diesWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
