package conversation

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// presignedSecret stands for the signature of a presigned upload URL:
// a bearer capability for the bucket, which must not reach error text.
const presignedSecret = "presigned-signature-do-not-log"

// The PUT to the presigned URL carries no UltraCart credential, and a
// failure to reach it does not print the URL's signature.
func TestFaultUploadPresignedURL(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target func(t *testing.T, storage *httptest.Server) string
		want   int // PUTs the storage host sees
	}{
		{"storage refuses connections", func(t *testing.T, _ *httptest.Server) string {
			return "http://" + refusedAddr(t) + "/bucket/key.jpg?X-Amz-Signature=" + presignedSecret
		}, 0},
		{"storage answers 503", func(t *testing.T, storage *httptest.Server) string {
			return storage.URL + "/bucket/key.jpg?X-Amz-Signature=" + presignedSecret
		}, fastPolicy.MaxAttempts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			storage, storageRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(http.StatusServiceUnavailable)
			})
			target := tc.target(t, storage)
			api, apiRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeJSON(w, 200, `{"conversation_multimedia_upload_url":{"key":"k1","url":"`+target+`"},"success":true}`)
			})
			c := newClientAt(t, api.URL+basePath)
			_, err := c.UploadConversationMultimedia(ctxWithin(t, 10*time.Second), "jpg", "", bytes.NewReader([]byte("\xff\xd8\xff")))
			if tc.want == 0 {
				wantAs[*TransportError](t, err)
			} else {
				wantAs[*APIError](t, err)
				wantIs(t, err, ErrServer)
			}
			for _, s := range []string{err.Error(), strings.ReplaceAll(err.Error(), "%", "")} {
				if strings.Contains(s, presignedSecret) {
					t.Errorf("error text contains the presigned URL's signature: %v", err)
				}
			}
			for _, s := range storageRec.all() {
				if s.key() != "" || s.auth() != "" {
					t.Errorf("the storage host received a credential")
				}
			}
			wantRequests(t, "api", apiRec.count(), 1)
			wantRequests(t, "storage", storageRec.count(), tc.want)
		})
	}
}
