// Package sizebench holds what the two minimal programs of the sizebench
// command share: the conversation they fetch and how they find the server.
// The programs themselves are its subdirectories wrapper
// (conversation.Client) and floor (net/http and encoding/json only, the
// least a program can link to make the same call); the command, in its
// subdirectory cmd, builds and runs both.
//
// It imports only os, so that it adds nothing to the floor.
package sizebench

import (
	"errors"
	"os"
)

const (
	// EnvBaseURL names the variable holding the API base URL the programs
	// call, e.g. http://127.0.0.1:PORT/rest/v2. A first argument overrides it.
	EnvBaseURL = "SIZEBENCH_BASE_URL"

	// ConversationUUID is the conversation both programs fetch.
	ConversationUUID = "5f0c3f4e-8a1b-4c2d-9e3f-a4b5c6d7e8f9"

	// SimpleKey is an obviously fake key: the loopback server ignores it.
	SimpleKey = "sizebench-fake-simple-key"
)

// BaseURL returns the API base URL from the first argument or EnvBaseURL.
func BaseURL(args []string) (string, error) {
	if len(args) > 1 && args[1] != "" {
		return args[1], nil
	}
	if u := os.Getenv(EnvBaseURL); u != "" {
		return u, nil
	}
	return "", errors.New("no base URL: pass it as the first argument or in " + EnvBaseURL)
}
