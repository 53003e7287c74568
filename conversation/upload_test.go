package conversation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

// uploadCase is one of the three presigned URL kinds and its helper.
type uploadCase struct {
	name     string
	urlPath  string // the API path of the presigned URL operation, for extension "ext"
	field    string // the response property holding key and url
	urlOp    string
	putOp    string
	upload   func(c *Client, ctx context.Context, ext, contentType string, body io.Reader) (*UploadedFile, error)
	testUser int
}

var uploadCases = []uploadCase{
	{"multimedia", "/conversation/upload_url/ext", "conversation_multimedia_upload_url",
		"getConversationMultimediaUploadUrl", "uploadConversationMultimedia",
		func(c *Client, ctx context.Context, ext, ct string, body io.Reader) (*UploadedFile, error) {
			return c.UploadConversationMultimedia(ctx, ext, ct, body)
		}, 0},
	{"pbx_audio", "/conversation/pbx/audio/upload_url/ext", "conversation_pbx_audio_upload_url",
		"getConversationPbxAudioUploadUrl", "uploadConversationPbxAudio",
		func(c *Client, ctx context.Context, ext, ct string, body io.Reader) (*UploadedFile, error) {
			return c.UploadConversationPbxAudio(ctx, ext, ct, body)
		}, 0},
	{"knowledge_base_document", "/conversation/agent/profiles/1003/knowledge_base/upload_url/ext", "conversation_knowledge_base_document_upload_url",
		"getConversationKnowledgeBaseDocumentUploadUrl", "uploadConversationKnowledgeBaseDocument",
		func(c *Client, ctx context.Context, ext, ct string, body io.Reader) (*UploadedFile, error) {
			return c.UploadConversationKnowledgeBaseDocument(ctx, 1003, ext, ct, body)
		}, 1003},
}

// storagePut is what the storage host saw of a PUT.
type storagePut struct {
	method, path, rawQuery string
	header                 http.Header
	contentLength          int64
	transferEncoding       []string
	body                   []byte
}

// storageHost records PUTs and answers the n-th (from 1) with status(n).
type storageHost struct {
	mu   sync.Mutex
	puts []storagePut
}

func (s *storageHost) all() []storagePut {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]storagePut(nil), s.puts...)
}

func (s *storageHost) count() int { return len(s.all()) }

// uploadServers is uploadHosts for conversation multimedia.
func uploadServers(t *testing.T, status func(n int) int) (api *recorder, store *storageHost, c func(opts ...Option) *Client) {
	t.Helper()
	return uploadHosts(t, uploadCases[0], status)
}

// uploadHosts starts the storage host and an API that answers the
// presigned URL operation of uc with a URL on it (the extension kept in
// key and path). status answers the n-th PUT; nil is always 200.
func uploadHosts(t *testing.T, uc uploadCase, status func(n int) int) (api *recorder, store *storageHost, c func(opts ...Option) *Client) {
	t.Helper()
	store = &storageHost{}
	st := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		store.mu.Lock()
		store.puts = append(store.puts, storagePut{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(),
			r.ContentLength, r.TransferEncoding, body})
		n := len(store.puts)
		store.mu.Unlock()
		if status != nil {
			w.WriteHeader(status(n))
		}
	}))
	t.Cleanup(st.Close)
	apiSrv, arc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		ext := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		writeJSON(w, 200, fmt.Sprintf(`{"success":true,"%s":{"key":"upload/key-1.%s",`+
			`"url":"%s/bucket/key-1.%s?X-Amz-Signature=abc%%2Fdef&X-Amz-Expires=300"}}`, uc.field, ext, st.URL, ext))
	})
	return arc, store, func(opts ...Option) *Client { return newClient(t, apiSrv, opts...) }
}

// TestUpload: each helper gets its presigned URL from the API and PUTs
// the bytes there with their length and type and no UltraCart credential
// or header, and returns the key and URL.
func TestUpload(t *testing.T) {
	data := []byte("\x89PNG\r\n\x1a\n binary \x00 data")
	for _, uc := range uploadCases {
		for _, am := range authModes {
			t.Run(uc.name+"/"+am.name, func(t *testing.T) {
				api, store, client := uploadHosts(t, uc, nil)
				opts, _ := am.opts()
				up, err := uc.upload(client(opts...), ctxT(t), "jpg", "", bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if up.Key != "upload/key-1.jpg" || !strings.Contains(up.URL, "/bucket/key-1.jpg?X-Amz-Signature=abc%2Fdef") ||
					up.ContentType != "image/jpeg" || up.Size != int64(len(data)) {
					t.Errorf("result %#v (URL %s)", up, up.URL)
				}
				a := api.last(t)
				if a.Method != "GET" || a.Path != basePath+strings.TrimSuffix(uc.urlPath, "ext")+"jpg" ||
					a.Header.Get("X-Ultracart-Simple-Key") != am.wantKey || a.Header.Get("Authorization") != am.wantTok {
					t.Errorf("API request %+v", a)
				}
				puts := store.all()
				if len(puts) != 1 {
					t.Fatalf("storage saw %d requests", len(puts))
				}
				s := puts[0]
				if s.method != "PUT" || s.path != "/bucket/key-1.jpg" || s.rawQuery != "X-Amz-Signature=abc%2Fdef&X-Amz-Expires=300" {
					t.Errorf("PUT %s %s?%s", s.method, s.path, s.rawQuery)
				}
				if !bytes.Equal(s.body, data) || s.contentLength != int64(len(data)) || len(s.transferEncoding) != 0 {
					t.Errorf("body %q, Content-Length %d, Transfer-Encoding %q", s.body, s.contentLength, s.transferEncoding)
				}
				if ct := s.header.Get("Content-Type"); ct != "image/jpeg" {
					t.Errorf("Content-Type %q", ct)
				}
				for _, h := range []string{"X-Ultracart-Simple-Key", "Authorization", "X-Ultracart-Api-Version", "Accept"} {
					if v := s.header.Values(h); len(v) != 0 {
						t.Errorf("storage received %s: %q", h, v)
					}
				}
			})
		}
	}
}

// TestUploadExtensionAndType: "pdf" and ".pdf" send pdf; an explicit
// content type wins; an unknown extension sends none; an empty extension,
// body or bad content type is refused before anything is sent.
func TestUploadExtensionAndType(t *testing.T) {
	for _, uc := range uploadCases {
		for _, tc := range []struct {
			ext, ctype, wantExt, want string
		}{
			{"png", "application/octet-stream", "png", "application/octet-stream"},
			{".pdf", "", "pdf", "application/pdf"},
			{"pdf", "", "pdf", "application/pdf"},
			{"zzunknown", "", "zzunknown", ""},
			{".MP3", "", "MP3", "audio/mpeg"},
			{".tar.gz", "", ".tar.gz", ""},
		} {
			api, store, client := uploadHosts(t, uc, nil)
			up, err := uc.upload(client(), ctxT(t), tc.ext, tc.ctype, strings.NewReader("x"))
			if err != nil {
				t.Fatalf("%s %s: %v", uc.name, tc.ext, err)
			}
			if got := api.last(t).Path; !strings.HasSuffix(got, "/"+tc.wantExt) {
				t.Errorf("%s %s: API path %s", uc.name, tc.ext, got)
			}
			if got := store.all()[0].header.Get("Content-Type"); got != tc.want || up.ContentType != tc.want {
				t.Errorf("%s %s: Content-Type %q (result %q), want %q", uc.name, tc.ext, got, up.ContentType, tc.want)
			}
		}
		for _, tc := range []struct {
			ext, ctype string
			body       io.Reader
			arg        string
		}{
			{"", "", strings.NewReader("x"), "extension"},
			{".", "", strings.NewReader("x"), "extension"},
			{"..", "", strings.NewReader("x"), "extension"},
			{"png", "", nil, "body"},
			{"png", "image/png\r\nX-Evil: 1", strings.NewReader("x"), "contentType"},
		} {
			srv, rc := newServer(t, failOnRequest(t))
			_, err := uc.upload(newClient(t, srv), ctxT(t), tc.ext, tc.ctype, tc.body)
			var ae *ArgumentError
			if !errors.As(err, &ae) || ae.Argument != tc.arg || ae.Operation != uc.putOp {
				t.Errorf("%s %q: err = %v, want an *ArgumentError of %s naming %s", uc.name, tc.ext, err, uc.putOp, tc.arg)
			}
			noSecret(t, err)
			if rc.count() != 0 {
				t.Errorf("%s: %d requests", uc.name, rc.count())
			}
		}
	}
	for _, uc := range uploadCases {
		srv, rc := newServer(t, failOnRequest(t))
		var nilCtx context.Context
		_, err := uc.upload(newClient(t, srv), nilCtx, "pdf", "", strings.NewReader("x"))
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Argument != "ctx" || ae.Operation != uc.putOp || rc.count() != 0 {
			t.Errorf("%s, nil context: err = %v, %d requests", uc.name, err, rc.count())
		}
	}
	srv, rc := newServer(t, failOnRequest(t))
	_, err := newClient(t, srv).UploadConversationKnowledgeBaseDocument(ctxT(t), 0, "pdf", "", strings.NewReader("x"))
	var ae *ArgumentError
	if !errors.As(err, &ae) || ae.Argument != "userID" || rc.count() != 0 {
		t.Errorf("user id 0: err = %v, %d requests", err, rc.count())
	}
}

// onlyReader hides every method but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestUploadBodies: every kind of reader is sent from where it stands to
// its end with its length, and sent whole again when the storage host asks
// for a retry: seekable readers from the same offset, others from memory.
func TestUploadBodies(t *testing.T) {
	data := strings.Repeat("0123456789", 1000)
	file := filepath.Join(t.TempDir(), "greeting.mp3")
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	bodies := []struct {
		name string
		open func(t *testing.T) io.Reader
		want string
	}{
		{"bytes.Reader", func(*testing.T) io.Reader { return bytes.NewReader([]byte(data)) }, data},
		{"bytes.Reader partly read", func(t *testing.T) io.Reader {
			r := bytes.NewReader([]byte(data))
			if _, err := r.Seek(10, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			return r
		}, data[10:]},
		{"strings.Reader", func(*testing.T) io.Reader { return strings.NewReader(data) }, data},
		{"os.File at an offset", func(t *testing.T) io.Reader {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			if _, err := f.Seek(5, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			return f
		}, data[5:]},
		{"io.SectionReader", func(*testing.T) io.Reader { return io.NewSectionReader(strings.NewReader(data), 3, 7) }, data[3:10]},
		{"bytes.Buffer", func(*testing.T) io.Reader { return bytes.NewBufferString(data) }, data},
		{"a plain reader", func(*testing.T) io.Reader { return onlyReader{strings.NewReader(data)} }, data},
		{"a reader of one byte at a time", func(*testing.T) io.Reader { return iotest.OneByteReader(strings.NewReader(data)) }, data},
		{"empty", func(*testing.T) io.Reader { return strings.NewReader("") }, ""},
		{"empty plain reader", func(*testing.T) io.Reader { return onlyReader{strings.NewReader("")} }, ""},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			_, store, client := uploadHosts(t, uploadCases[1], func(n int) int {
				if n == 1 {
					return 503
				}
				return 200
			})
			up, err := client().UploadConversationPbxAudio(ctxT(t), "mp3", "", b.open(t))
			if err != nil {
				t.Fatal(err)
			}
			puts := store.all()
			if len(puts) != 2 {
				t.Fatalf("%d PUTs, want 2 (a 503, then the retry)", len(puts))
			}
			for i, s := range puts {
				if string(s.body) != b.want || s.contentLength != int64(len(b.want)) || len(s.transferEncoding) != 0 {
					t.Errorf("PUT %d: %d bytes (equal: %t), Content-Length %d, Transfer-Encoding %q",
						i+1, len(s.body), string(s.body) == b.want, s.contentLength, s.transferEncoding)
				}
			}
			if up.Size != int64(len(b.want)) {
				t.Errorf("Size %d", up.Size)
			}
		})
	}
}

// TestUploadBodyReadError: a body that fails to read is an *ArgumentError
// keeping the cause, and nothing is sent.
func TestUploadBodyReadError(t *testing.T) {
	cause := errors.New("disk on fire")
	srv, rc := newServer(t, failOnRequest(t))
	_, err := newClient(t, srv).UploadConversationMultimedia(ctxT(t), "png", "", iotest.ErrReader(cause))
	var ae *ArgumentError
	if !errors.As(err, &ae) || ae.Argument != "body" || !errors.Is(err, cause) || !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("err = %v", err)
	}
	if rc.count() != 0 {
		t.Errorf("%d requests", rc.count())
	}
}

// TestUploadedFileString: printing an UploadedFile never shows the URL's
// signature.
func TestUploadedFileString(t *testing.T) {
	up := &UploadedFile{Key: "k", URL: "https://bucket.example/k.png?X-Amz-Signature=sekrit", ContentType: "image/png", Size: 3}
	for _, s := range []string{fmt.Sprint(up), fmt.Sprintf("%v %+v %#v %s", up, *up, *up, up), up.String(), up.GoString()} {
		if strings.Contains(s, "sekrit") || !strings.Contains(s, "https://bucket.example/k.png") || !strings.Contains(s, "image/png") {
			t.Errorf("printed %q", s)
		}
	}
	if s := (UploadedFile{URL: "https://bucket.example/k"}).String(); !strings.Contains(s, "https://bucket.example/k ") {
		t.Errorf("a URL without a query printed %q", s)
	}
}

// TestUploadFailures: storage errors are *APIErrors of the helper,
// transient ones retried with the same bytes; a response without a usable
// URL is a *DecodeError of the URL operation and nothing is PUT.
func TestUploadFailures(t *testing.T) {
	for _, uc := range uploadCases {
		t.Run(uc.name+"/storage_403", func(t *testing.T) {
			_, store, client := uploadHosts(t, uc, func(int) int { return 403 })
			_, err := uc.upload(client(), ctxT(t), "jpg", "", strings.NewReader("abc"))
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != 403 || ae.Operation != uc.putOp {
				t.Fatalf("err = %v", err)
			}
			if len(store.all()) != 1 {
				t.Errorf("%d PUTs", len(store.all()))
			}
			noSecret(t, err)
		})
		t.Run(uc.name+"/no_url", func(t *testing.T) {
			for _, payload := range []string{``, `,"` + uc.field + `":{"key":"k"}`, `,"` + uc.field + `":{"key":"k","url":""}`} {
				body := `{"success":true` + payload + `}`
				srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, body) })
				_, err := uc.upload(newClient(t, srv), ctxT(t), "jpg", "", strings.NewReader("abc"))
				var de *DecodeError
				if !errors.As(err, &de) || de.Operation != uc.urlOp || !strings.Contains(err.Error(), uc.field+".url") {
					t.Errorf("%s: err = %v", body, err)
				}
				if rc.count() != 1 {
					t.Errorf("%d requests", rc.count())
				}
			}
		})
		t.Run(uc.name+"/unusable_url", func(t *testing.T) {
			for _, u := range []string{"ftp://storage.example.com/k", "http://[::1", "/relative/k", "storage.example.com/k", "https:///k"} {
				body := `{"success":true,"` + uc.field + `":{"key":"k","url":"` + u + `"}}`
				srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, body) })
				_, err := uc.upload(newClient(t, srv), ctxT(t), "jpg", "", strings.NewReader("abc"))
				var de *DecodeError
				if !errors.As(err, &de) || de.Operation != uc.urlOp || errors.Is(err, ErrInvalidArgument) {
					t.Errorf("%s: err = %T %v", u, err, err)
				}
				if rc.count() != 1 {
					t.Errorf("%s: %d requests", u, rc.count())
				}
			}
		})
		t.Run(uc.name+"/api_error", func(t *testing.T) {
			srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 401, "") })
			_, err := uc.upload(newClient(t, srv), ctxT(t), "jpg", "", strings.NewReader("abc"))
			var ae *APIError
			if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &ae) || ae.Operation != uc.urlOp || rc.count() != 1 {
				t.Errorf("err = %v", err)
			}
		})
		t.Run(uc.name+"/presigned_on_api_host", func(t *testing.T) {
			// Even a presigned URL on the API's own host gets no credential.
			var self string
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if r.Method == http.MethodPut {
					w.WriteHeader(200)
					return
				}
				writeJSON(w, 200, `{"success":true,"`+uc.field+`":{"key":"k","url":"`+self+`/upload/k"}}`)
			})
			self = srv.URL
			if _, err := uc.upload(newClient(t, srv), ctxT(t), "jpg", "", strings.NewReader("abc")); err != nil {
				t.Fatal(err)
			}
			put := rc.last(t)
			if put.Method != "PUT" || put.Header.Get("X-Ultracart-Simple-Key") != "" || put.Header.Get("X-Ultracart-Api-Version") != "" {
				t.Errorf("PUT %s with headers %v", put.Method, put.Header)
			}
		})
	}
}

// TestUploadMultimediaDeprecated: the old helper forwards to
// UploadConversationMultimedia and keeps its result type and nil check.
func TestUploadMultimediaDeprecated(t *testing.T) {
	_, store, client := uploadServers(t, nil)
	up, err := client().UploadMultimedia(ctxT(t), "png", "", []byte("abc"))
	if err != nil {
		t.Fatal(err)
	}
	if up.GetKey() != "upload/key-1.png" || !strings.Contains(up.GetURL(), "/bucket/key-1.png") || string(store.all()[0].body) != "abc" {
		t.Errorf("result %s, PUT %q", marshal(t, up), store.all()[0].body)
	}
	srv, rc := newServer(t, failOnRequest(t))
	_, err = newClient(t, srv).UploadMultimedia(ctxT(t), "png", "", nil)
	var ae *ArgumentError
	if !errors.As(err, &ae) || ae.Argument != "data" || rc.count() != 0 {
		t.Errorf("nil data: err = %v", err)
	}
}

// presignedSecret stands for the signature of a presigned upload URL:
// a bearer capability for the bucket, which must not reach error text.
const presignedSecret = "presigned-signature-do-not-log"

// The PUT to the presigned URL carries no UltraCart credential, and a
// failure to reach it does not print the URL's signature.
func TestUploadPresignedURLFaults(t *testing.T) {
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
