package main

import (
	"errors"
	"io"
)

func runDrift(func(string) string, string, string, string, string, io.Writer) error {
	return errors.New("not written yet")
}
