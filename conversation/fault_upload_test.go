package conversation_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// faultPresignedSecret stands for the signature of a presigned upload URL:
// a bearer capability for the bucket, which must not reach error text.
const faultPresignedSecret = "presigned-signature-do-not-log"

// The PUT to the presigned URL carries no UltraCart credential, and a
// failure to reach it does not print the URL's signature.
func TestFaultUploadPresignedURL(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target func(t *testing.T, storage *faultHTTP) string
		want   int // PUTs the storage host sees
	}{
		{"storage refuses connections", func(t *testing.T, _ *faultHTTP) string {
			return "http://" + faultRefusedAddr(t) + "/bucket/key.jpg?X-Amz-Signature=" + faultPresignedSecret
		}, 0},
		{"storage answers 503", func(t *testing.T, storage *faultHTTP) string {
			return storage.URL + "/bucket/key.jpg?X-Amz-Signature=" + faultPresignedSecret
		}, faultPolicy.MaxAttempts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			faultLeakCheck(t)
			storage := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(http.StatusServiceUnavailable)
			})
			target := tc.target(t, storage)
			api := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
				faultJSON(w, 200, `{"conversation_multimedia_upload_url":{"key":"k1","url":"`+target+`"},"success":true}`)
			})
			c := faultClient(t, api.Base())
			_, err := c.UploadConversationMultimedia(faultCtx(t, 10*time.Second), "jpg", "", bytes.NewReader([]byte("\xff\xd8\xff")))
			if tc.want == 0 {
				faultAs[*conversation.TransportError](t, err)
			} else {
				faultAs[*conversation.APIError](t, err)
				faultIs(t, err, conversation.ErrServer)
			}
			for _, s := range []string{err.Error(), strings.ReplaceAll(err.Error(), "%", "")} {
				if strings.Contains(s, faultPresignedSecret) {
					t.Errorf("error text contains the presigned URL's signature: %v", err)
				}
			}
			for _, s := range storage.Seen() {
				if s.SimpleKey != "" || s.Auth != "" {
					t.Errorf("the storage host received a credential")
				}
			}
			faultWantRequests(t, "api", api.Count(), 1)
			faultWantRequests(t, "storage", storage.Count(), tc.want)
		})
	}
}
