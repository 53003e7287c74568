package conversation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

// TestErrNotFound: a 404, and UltraCart's 400 whose error.object_id names a
// value of the path of a request that sent no body, match ErrNotFound; a
// 400 that names nothing, names something else, or answers a request with
// a body (whose validation errors may name the same object) does not.
func TestErrNotFound(t *testing.T) {
	getQueue := func(ctx context.Context, c *Client) error { _, err := c.GetPbxQueue(ctx, "q-1"); return err }
	cases := []struct {
		name     string
		status   int
		objectID string // "-" for no ErrorResponse body
		call     func(context.Context, *Client) error
		notFound bool
	}{
		{"get, object_id is the path's uuid", 400, "q-1", getQueue, true},
		{"get, object_id in another case", 400, "Q-1", getQueue, true},
		{"get, oid", 400, "7", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversationEngagement(ctx, 7)
			return err
		}, true},
		{"delete", 400, "q-1", func(ctx context.Context, c *Client) error { _, err := c.DeletePbxQueue(ctx, "q-1"); return err }, true},
		{"action with no body", 400, "conv-9", func(ctx context.Context, c *Client) error { return c.MarkReadConversation(ctx, "conv-9") }, true},
		{"404 with an ErrorResponse", 404, "", getQueue, true},
		{"404 without a body", 404, "-", getQueue, true},
		{"get, validation error without object_id", 400, "", getQueue, false},
		{"get, object_id names another object", 400, "q-2", getQueue, false},
		{"get, object_id only a part of the uuid", 400, "q", getQueue, false},
		{"400 without a body", 400, "-", getQueue, false},
		{"update: a body, the same object_id", 400, "q-1", func(ctx context.Context, c *Client) error {
			_, err := c.UpdatePbxQueue(ctx, "q-1", &ConversationPbxQueue{Name: Ptr("Support")})
			return err
		}, false},
		{"insert: a body", 400, "q-1", func(ctx context.Context, c *Client) error {
			_, err := c.InsertPbxQueue(ctx, &ConversationPbxQueue{Name: Ptr("q-1")})
			return err
		}, false},
		{"401 naming the object", 401, "q-1", getQueue, false},
		{"500 naming the object", 500, "q-1", getQueue, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if tc.objectID == "-" {
					w.WriteHeader(tc.status)
					return
				}
				writeJSON(w, tc.status, fmt.Sprintf(`{"success":false,"error":{"developer_message":"it failed","object_id":%q}}`, tc.objectID))
			})
			err := tc.call(ctxT(t), newClient(t, srv, WithoutRetries()))
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tc.status {
				t.Fatalf("err = %T %v", err, err)
			}
			if got := errors.Is(err, ErrNotFound); got != tc.notFound {
				t.Errorf("errors.Is(err, ErrNotFound) = %v, want %v (%v)", got, tc.notFound, err)
			}
			if got, want := errors.Is(err, ErrBadRequest), tc.status == 400; got != want {
				t.Errorf("errors.Is(err, ErrBadRequest) = %v, want %v", got, want)
			}
		})
	}
}

// TestErrNotFoundSuccessFalse: a 2xx that says "success": false is
// ErrUnsuccessful, never ErrNotFound, whatever object it names.
func TestErrNotFoundSuccessFalse(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"success":false,"error":{"object_id":"q-1"}}`)
	})
	_, err := newClient(t, srv).GetPbxQueue(ctxT(t), "q-1")
	if !errors.Is(err, ErrUnsuccessful) || errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v", err)
	}
}

// TestErrNotFoundByHand: an *APIError made by hand is ErrNotFound only as
// a 404: the 400 form is recognised from the request it answered.
func TestErrNotFoundByHand(t *testing.T) {
	if !errors.Is(&APIError{StatusCode: 404}, ErrNotFound) {
		t.Error("404 is not ErrNotFound")
	}
	if errors.Is(&APIError{StatusCode: 400, ObjectID: "q-1"}, ErrNotFound) {
		t.Error("a hand-made 400 is ErrNotFound")
	}
}
