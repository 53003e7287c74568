// Command wrapper fetches one conversation through conversation.Client with
// its defaults (retries, rate-limit handling, the pooled transport): what a
// program pays for importing the package. internal/sizebench/cmd compares
// it with the floor program, the same call on net/http and encoding/json
// alone.
//
//	wrapper [BASE_URL]   (or SIZEBENCH_BASE_URL)
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/internal/sizebench"
)

func main() {
	if err := run(os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wrapper:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	base, err := sizebench.BaseURL(args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := conversation.NewClient(conversation.WithSimpleKey(sizebench.SimpleKey), conversation.WithBaseURL(base))
	if err != nil {
		return err
	}
	conv, err := c.GetConversation(ctx, sizebench.ConversationUUID, nil)
	if err != nil {
		return err
	}
	if conv.ConversationUUID == nil {
		return fmt.Errorf("getConversation: no conversation in the response")
	}
	_, err = fmt.Fprintf(out, "%s: %d messages\n", conv.GetConversationUUID(), len(conv.Messages))
	return err
}
