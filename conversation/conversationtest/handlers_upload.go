package conversationtest

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
)

// uploadPath is where upload URLs point: outside BasePath, like the
// storage host a real pre-signed URL names.
const uploadPath = "/upload/"

// maxUploadBytes bounds an uploaded file.
const maxUploadBytes = 32 << 20

// Upload is a file PUT to an upload URL the fake handed out.
type Upload struct {
	// Key is the key returned with the upload URL.
	Key string
	// Body holds the bytes of the last PUT.
	Body []byte
	// ContentType is the Content-Type header of the last PUT.
	ContentType string
	// CredentialsSent reports whether any PUT to this URL carried an
	// x-ultracart-simple-key or Authorization header: a client must not
	// send UltraCart credentials to the storage host.
	CredentialsSent bool
	// Header is a copy of the headers of the last PUT.
	Header http.Header
	// Puts counts the PUTs received for this key.
	Puts int
	// Time is when the last PUT arrived, by the server's clock.
	Time time.Time
}

// uploadRecord is an issued upload URL and what was put there.
type uploadRecord struct {
	signature string
	upload    Upload
}

// uploadURL issues a key and a pre-signed-style URL on the fake for a file
// with that extension (letters and digits, with or without a leading
// dot): a conversation attachment, a PBX audio file or an agent's
// knowledge base document, each under a key prefix of its own.
func (s *Server) uploadURL(rq *request) (any, error) {
	ext := strings.ToLower(strings.TrimPrefix(rq.path["extension"], "."))
	if !validExtension(ext) {
		return nil, badRequest("extension must be 1 to 16 letters or digits, such as jpg or pdf: %q", rq.path["extension"])
	}
	scope := ""
	if rq.op == "getConversationKnowledgeBaseDocumentUploadUrl" {
		var err error
		if scope, err = s.scopeOf(kindByKey("knowledge_base_documents"), rq); err != nil {
			return nil, err
		}
	}
	key := uploadPrefix(s, rq.op, scope) + newUUID() + "." + ext
	sig := randomHex(16)
	s.st.uploads[key] = &uploadRecord{signature: sig, upload: Upload{Key: key}}
	return obj{"key": key, "url": rq.origin + uploadPath + pathEscapeKey(key) + "?signature=" + sig}, nil
}

// uploadPrefix is how the keys the operation hands out begin: each kind of
// upload under a prefix of its own, a knowledge base document's under its
// agent's user id (scope).
func uploadPrefix(s *Server, op, scope string) string {
	switch op {
	case "getConversationPbxAudioUploadUrl":
		return "pbx/audio/" + s.cfg.merchantID + "/"
	case "getConversationKnowledgeBaseDocumentUploadUrl":
		return "knowledge_base/" + s.cfg.merchantID + "/" + scope + "/"
	}
	return "conversation/" + s.cfg.merchantID + "/"
}

// uploadAt is the upload a URL the fake handed out points at, if any.
func (s *Server) uploadAt(rawURL string) *uploadRecord {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.HasPrefix(u.Path, uploadPath) {
		return nil
	}
	return s.st.uploads[strings.TrimPrefix(u.Path, uploadPath)]
}

// insertDocument adds a knowledge base document from an uploaded file:
// presigned_url must be a URL getConversationKnowledgeBaseDocumentUploadUrl
// handed out for the same agent, and a file must have been PUT there (the
// service reads the document from it). The fake splits it into chunks of
// 1,000 bytes (at least one).
func (s *Server) insertDocument(rq *request) (any, error) {
	k := kindByKey("knowledge_base_documents")
	scope, err := s.scopeOf(k, rq)
	if err != nil {
		return nil, err
	}
	var body gen.ConversationInsertKnowledgeBaseDocumentRequest
	if err := rq.decode(&body); err != nil {
		return nil, err
	}
	name, src := strings.TrimSpace(str(body.OriginalFileName)), str(body.PresignedURL)
	if name == "" || src == "" {
		return nil, badRequest("original_file_name and presigned_url are required")
	}
	up := s.uploadAt(src)
	if up == nil || !strings.HasPrefix(up.upload.Key, uploadPrefix(s, "getConversationKnowledgeBaseDocumentUploadUrl", scope)) {
		return nil, badRequest("presigned_url must be the url getConversationKnowledgeBaseDocumentUploadUrl returned for user %s: upload the document there first", scope)
	}
	if up.upload.Puts == 0 {
		return nil, badRequest("nothing was uploaded to presigned_url: PUT the document to it before inserting it")
	}
	id := newUUID()
	key, size := up.upload.Key, len(up.upload.Body)
	chunks := max(1, (size+999)/1000)
	doc := obj{"document_uuid": id, "document_id": name, "s3_key": key, "s3_url": strings.SplitN(src, "?", 2)[0], "chunk_count": chunks}
	if mt := mimeTypes[strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))]; mt != "" {
		doc["mime_type"] = mt
	}
	if _, err := s.putLocked(k, scope, doc, rq); err != nil {
		return nil, err
	}
	vectors := make([]string, chunks)
	for i := range vectors {
		vectors[i] = fmt.Sprintf("%s#%d", id, i)
	}
	return fields{"document_uuid": id, "s3_key": key, "vector_keys": vectors}, nil
}

// mimeTypes are the types the fake names for uploaded documents and audio.
var mimeTypes = map[string]string{
	"pdf": "application/pdf", "txt": "text/plain", "md": "text/markdown", "html": "text/html", "csv": "text/csv",
	"json": "application/json", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "m4a": "audio/mp4",
}

// fillAudio completes a PBX audio: the URL and type of the file uploaded
// at audio_s3_listing_key, when the fake holds one. An insert through the
// API that names a key must name one getConversationPbxAudioUploadUrl
// handed out, with the file PUT there.
func fillAudio(s *Server, rq *request, o obj) error {
	key, _ := o["audio_s3_listing_key"].(string)
	if rq != nil && key != "" && strings.HasPrefix(rq.op, "insert") {
		up := s.st.uploads[key]
		switch {
		case up == nil || !strings.HasPrefix(key, uploadPrefix(s, "getConversationPbxAudioUploadUrl", "")):
			return &apiError{status: http.StatusBadRequest, objectID: key,
				msg: fmt.Sprintf("audio_s3_listing_key %q is not a key getConversationPbxAudioUploadUrl returned: upload the audio there first", key)}
		case up.upload.Puts == 0:
			return badRequest("nothing was uploaded for audio_s3_listing_key %q: PUT the audio to its upload URL before inserting it", key)
		}
	}
	if up := s.st.uploads[key]; up != nil && o["url"] == nil && rq != nil {
		o["url"] = rq.origin + uploadPath + pathEscapeKey(key)
	}
	if o["mime_type"] == nil && key != "" {
		if mt := mimeTypes[strings.TrimPrefix(path.Ext(key), ".")]; mt != "" {
			o["mime_type"] = mt
		}
	}
	return nil
}

func validExtension(ext string) bool {
	if len(ext) == 0 || len(ext) > 16 {
		return false
	}
	for _, c := range ext {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// serveUpload stores a PUT to an issued upload URL. Like a pre-signed
// storage URL it needs no UltraCart credential, only the signature in the
// URL; it answers 403 otherwise.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	s.countRequest(UploadOperation)
	defer func() { s.logRequest(UploadOperation, r, rec.status) }()
	if f, ok := s.takeFault(UploadOperation); ok && s.applyFault(rec, r, f) {
		return
	}
	if r.Body == nil { // possible when Handler is called directly
		r.Body = http.NoBody
	}
	key := r.PathValue("key")
	s.mu.Lock()
	ur := s.st.uploads[key]
	var sig string
	if ur != nil {
		sig = ur.signature
	}
	s.mu.Unlock()
	if ur == nil {
		http.Error(rec, "AccessDenied: no upload URL was issued for this key", http.StatusForbidden)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("signature")), []byte(sig)) != 1 {
		http.Error(rec, "SignatureDoesNotMatch: use the upload URL exactly as returned", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rec, r.Body, maxUploadBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(rec, fmt.Sprintf("EntityTooLarge: at most %d bytes", tooLarge.Limit), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(rec, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	creds := r.Header.Get("X-Ultracart-Simple-Key") != "" || r.Header.Get("Authorization") != ""
	s.mu.Lock()
	u := &ur.upload
	u.Body = body
	u.ContentType = r.Header.Get("Content-Type")
	u.CredentialsSent = u.CredentialsSent || creds
	u.Header = r.Header.Clone()
	u.Puts++
	u.Time = s.cfg.now()
	s.mu.Unlock()
	sum := md5.Sum(body) // the ETag storage services send: not for security
	rec.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	rec.WriteHeader(http.StatusOK)
}

// serveUploadedFile returns an uploaded file, so that a test (or a media
// URL) can read it back. It needs no credential.
func (s *Server) serveUploadedFile(w http.ResponseWriter, r *http.Request) {
	u, ok := s.Upload(r.PathValue("key"))
	if !ok {
		http.Error(w, "NoSuchKey", http.StatusNotFound)
		return
	}
	if u.ContentType != "" {
		w.Header().Set("Content-Type", u.ContentType)
	}
	_, _ = w.Write(u.Body)
}

// Upload returns what was PUT to the upload URL issued for key, and
// whether anything was.
func (s *Server) Upload(key string) (Upload, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ur, ok := s.st.uploads[key]
	if !ok || ur.upload.Puts == 0 {
		return Upload{}, false
	}
	return copyUpload(ur.upload), true
}

// UploadedFile returns the bytes PUT to the upload URL issued for key, and
// whether anything was.
func (s *Server) UploadedFile(key string) ([]byte, bool) {
	u, ok := s.Upload(key)
	return u.Body, ok
}

// Uploads returns every completed upload, ordered by key.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Upload
	for _, ur := range s.st.uploads {
		if ur.upload.Puts > 0 {
			out = append(out, copyUpload(ur.upload))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func copyUpload(u Upload) Upload {
	u.Body = append([]byte(nil), u.Body...)
	u.Header = u.Header.Clone()
	return u
}
