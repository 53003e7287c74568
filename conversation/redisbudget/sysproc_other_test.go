//go:build !linux

package redisbudget_test

import "os/exec"

// diesWithTest does nothing here: only Linux kills a child with its parent.
// A test binary stopped by a panic or go test's -timeout leaves its
// redis-server running.
func diesWithTest(*exec.Cmd) {}
