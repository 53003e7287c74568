package conversation

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// uploadServers starts the API (answering getConversationMultimediaUploadUrl
// with a presigned URL on the storage server) and the storage server, which
// answers the PUT with storage(n).
func uploadServers(t *testing.T, storage func(w http.ResponseWriter, n int)) (api, store *recorder, c func(opts ...Option) *Client) {
	t.Helper()
	st, src := newServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if storage != nil {
			storage(w, n)
			return
		}
		w.WriteHeader(200)
	})
	apiSrv, arc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		ext := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		writeJSON(w, 200, fmt.Sprintf(`{"success":true,"conversation_multimedia_upload_url":{"key":"upload/key-1.%s",`+
			`"url":"%s/bucket/key-1.%s?X-Amz-Signature=abc%%2Fdef&X-Amz-Expires=300"}}`, ext, st.URL, ext))
	})
	return arc, src, func(opts ...Option) *Client { return newClient(t, apiSrv, opts...) }
}

// TestUploadMultimedia: the presigned URL comes from the API; the bytes go
// to it with no UltraCart credential or header.
func TestUploadMultimedia(t *testing.T) {
	data := []byte("\x89PNG\r\n\x1a\n binary \x00 data")
	for _, am := range authModes {
		t.Run(am.name, func(t *testing.T) {
			api, store, client := uploadServers(t, nil)
			opts, _ := am.opts()
			up, err := client(opts...).UploadMultimedia(ctxT(t), "jpg", "", data)
			if err != nil {
				t.Fatal(err)
			}
			if *up.Key != "upload/key-1.jpg" || !strings.Contains(*up.URL, "/bucket/key-1.jpg") {
				t.Errorf("result %s", marshal(t, up))
			}
			a := api.last(t)
			if a.Method != "GET" || a.Path != basePath+"/conversation/upload_url/jpg" ||
				a.Header.Get("X-Ultracart-Simple-Key") != am.wantKey || a.Header.Get("Authorization") != am.wantTok {
				t.Errorf("API request %+v", a)
			}
			if store.count() != 1 {
				t.Fatalf("storage saw %d requests", store.count())
			}
			s := store.last(t)
			if s.Method != "PUT" || s.Path != "/bucket/key-1.jpg" || s.Query.Get("X-Amz-Signature") != "abc/def" {
				t.Errorf("PUT %s %s?%s", s.Method, s.Path, s.RawQuery)
			}
			if string(s.Body) != string(data) {
				t.Errorf("body %q", s.Body)
			}
			if ct := s.Header.Get("Content-Type"); ct != "image/jpeg" {
				t.Errorf("Content-Type %q", ct)
			}
			for _, h := range []string{"X-Ultracart-Simple-Key", "Authorization", "X-Ultracart-Api-Version", "Accept"} {
				if v := s.Header.Values(h); len(v) != 0 {
					t.Errorf("storage received %s: %q", h, v)
				}
			}
		})
	}
}

// TestUploadMultimediaContentType: an explicit content type wins; an unknown
// extension sends none; empty data is uploaded as an empty body.
func TestUploadMultimediaContentType(t *testing.T) {
	for _, tc := range []struct {
		ext, ctype, want string
		data             []byte
	}{
		{"png", "application/octet-stream", "application/octet-stream", []byte("x")},
		{".pdf", "", "application/pdf", []byte("x")},
		{"zzunknown", "", "", []byte("x")},
		{"txt", "", "text/plain; charset=utf-8", []byte{}},
	} {
		_, store, client := uploadServers(t, nil)
		if _, err := client().UploadMultimedia(ctxT(t), tc.ext, tc.ctype, tc.data); err != nil {
			t.Fatalf("%s: %v", tc.ext, err)
		}
		s := store.last(t)
		if got := s.Header.Get("Content-Type"); got != tc.want {
			t.Errorf("%s: Content-Type %q, want %q", tc.ext, got, tc.want)
		}
		if string(s.Body) != string(tc.data) {
			t.Errorf("%s: body %q", tc.ext, s.Body)
		}
	}
}

// TestUploadMultimediaFailures: storage errors are *APIErrors of
// "uploadMultimedia", transient ones retried with the same bytes; a response
// without a URL is a *DecodeError and nothing is PUT.
func TestUploadMultimediaFailures(t *testing.T) {
	t.Run("storage_503_then_ok", func(t *testing.T) {
		_, store, client := uploadServers(t, func(w http.ResponseWriter, n int) {
			if n == 1 {
				w.WriteHeader(503)
				return
			}
			w.WriteHeader(200)
		})
		if _, err := client().UploadMultimedia(ctxT(t), "jpg", "", []byte("abc")); err != nil {
			t.Fatal(err)
		}
		reqs := store.all()
		if len(reqs) != 2 || string(reqs[1].Body) != "abc" {
			t.Errorf("%d PUTs, last body %q", len(reqs), reqs[len(reqs)-1].Body)
		}
	})
	t.Run("storage_403", func(t *testing.T) {
		_, store, client := uploadServers(t, func(w http.ResponseWriter, _ int) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(403)
			_, _ = w.Write([]byte("<Error><Code>SignatureDoesNotMatch</Code></Error>"))
		})
		_, err := client().UploadMultimedia(ctxT(t), "jpg", "", []byte("abc"))
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != 403 || ae.Operation != "uploadMultimedia" || !strings.Contains(string(ae.Body), "SignatureDoesNotMatch") {
			t.Fatalf("err = %v", err)
		}
		if store.count() != 1 {
			t.Errorf("%d PUTs", store.count())
		}
		noSecret(t, err)
	})
	t.Run("no_url", func(t *testing.T) {
		for _, body := range []string{`{"success":true}`, `{"success":true,"conversation_multimedia_upload_url":{"key":"k"}}`,
			`{"success":true,"conversation_multimedia_upload_url":{"key":"k","url":""}}`} {
			srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, body) })
			_, err := newClient(t, srv).UploadMultimedia(ctxT(t), "jpg", "", []byte("abc"))
			var de *DecodeError
			if !errors.As(err, &de) || de.Operation != "getConversationMultimediaUploadUrl" || !strings.Contains(err.Error(), "url") {
				t.Errorf("%s: err = %v", body, err)
			}
			if rc.count() != 1 {
				t.Errorf("%d requests", rc.count())
			}
		}
	})
	t.Run("unusable_url", func(t *testing.T) {
		for _, u := range []string{"ftp://storage.example.com/k", "http://[::1", "/relative/k", "storage.example.com/k", "https:///k"} {
			body := `{"success":true,"conversation_multimedia_upload_url":{"key":"k","url":"` + u + `"}}`
			srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, body) })
			_, err := newClient(t, srv).UploadMultimedia(ctxT(t), "jpg", "", []byte("abc"))
			var de *DecodeError
			if !errors.As(err, &de) || de.Operation != "getConversationMultimediaUploadUrl" || errors.Is(err, ErrInvalidArgument) {
				t.Errorf("%s: err = %T %v", u, err, err)
			}
			if rc.count() != 1 {
				t.Errorf("%s: %d requests", u, rc.count())
			}
		}
	})
	t.Run("api_error", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 401, "") })
		_, err := newClient(t, srv).UploadMultimedia(ctxT(t), "jpg", "", []byte("abc"))
		if !errors.Is(err, ErrUnauthorized) || rc.count() != 1 {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("presigned_on_api_host", func(t *testing.T) {
		// Even a presigned URL on the API's own host gets no credential.
		var self string
		srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.Method == http.MethodPut {
				w.WriteHeader(200)
				return
			}
			writeJSON(w, 200, `{"success":true,"conversation_multimedia_upload_url":{"key":"k","url":"`+self+`/upload/k"}}`)
		})
		self = srv.URL
		if _, err := newClient(t, srv).UploadMultimedia(ctxT(t), "jpg", "", []byte("abc")); err != nil {
			t.Fatal(err)
		}
		put := rc.last(t)
		if put.Method != "PUT" || put.Header.Get("X-Ultracart-Simple-Key") != "" || put.Header.Get("X-Ultracart-Api-Version") != "" {
			t.Errorf("PUT %s with headers %v", put.Method, put.Header)
		}
	})
}
