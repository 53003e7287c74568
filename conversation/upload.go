package conversation

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// UploadedFile is a file the Upload methods stored at a presigned URL: what
// the insert that follows needs. Which field takes what:
//
//   - UploadConversationMultimedia: Key goes into a message's
//     ConversationMessage.UploadKeys (the attachments of a message sent over
//     the agent websocket) or ConversationAgentProfile.ProfileImageUploadKey
//     (UpdateAgentProfile: "an upload key used to update the profile
//     image").
//   - UploadConversationPbxAudio: Key goes into
//     ConversationPbxAudio.AudioS3ListingKey of InsertPbxAudio or
//     InsertUserPbxAudio (with a Description, and the original Filename).
//   - UploadConversationKnowledgeBaseDocument: URL goes into
//     ConversationInsertKnowledgeBaseDocumentRequest.PresignedURL, with the
//     file's name in OriginalFileName, for
//     InsertAgentProfileKnowledgeBaseDocument on the same user id.
//
// The URL's query is its signature, a credential for the storage bucket
// until it expires: String and GoString print the URL without it, so that
// logging an UploadedFile does not leak it.
type UploadedFile struct {
	// Key is the storage key UltraCart returned with the URL.
	Key string
	// URL is the presigned URL the file was PUT to, exactly as UltraCart
	// returned it (signature included).
	URL string
	// ContentType is the Content-Type the file was sent with; "" when none
	// was given and the extension names no type.
	ContentType string
	// Size is the number of bytes sent.
	Size int64
}

// String describes the upload without the URL's signature.
func (u UploadedFile) String() string {
	return fmt.Sprintf("{Key:%s URL:%s ContentType:%s Size:%d}", u.Key, redactQuery(u.URL), u.ContentType, u.Size)
}

// GoString is String for %#v.
func (u UploadedFile) GoString() string {
	return fmt.Sprintf("conversation.UploadedFile{Key:%q, URL:%q, ContentType:%q, Size:%d}", u.Key, redactQuery(u.URL), u.ContentType, u.Size)
}

func redactQuery(rawURL string) string {
	if base, _, found := strings.Cut(rawURL, "?"); found {
		return base + "?[query redacted]"
	}
	return rawURL
}

// uploadKind is one of the presigned URL operations and the PUT that
// follows it. The PUT goes to another host: no UltraCart credential or
// header goes with it, and it takes no permit of the rate budget.
type uploadKind struct {
	put   operation // the PUT: the helper's name in errors and traces
	urlOp string    // the operationId that hands out the URL
	field string    // the response property that holds key and url
}

var (
	uploadMultimedia = uploadKind{operation{id: "uploadConversationMultimedia", idempotent: true, foreign: true},
		opGetConversationMultimediaUploadURL.id, "conversation_multimedia_upload_url"}
	uploadPbxAudio = uploadKind{operation{id: "uploadConversationPbxAudio", idempotent: true, foreign: true},
		opGetConversationPbxAudioUploadURL.id, "conversation_pbx_audio_upload_url"}
	uploadKnowledgeBaseDocument = uploadKind{operation{id: "uploadConversationKnowledgeBaseDocument", idempotent: true, foreign: true},
		opGetConversationKnowledgeBaseDocumentUploadURL.id, "conversation_knowledge_base_document_upload_url"}
)

// UploadConversationMultimedia uploads a file for a conversation: it gets
// a presigned URL (getConversationMultimediaUploadUrl), then PUTs body
// there. The returned Key goes into ConversationMessage.UploadKeys or
// ConversationAgentProfile.ProfileImageUploadKey (see UploadedFile).
//
// extension is the file's extension, "png" or ".png" alike: UltraCart does
// not document which it expects, so the helper sends it without the dot.
// contentType may be empty to derive it from the extension. body is sent
// from where it stands to its end; see UploadConversationPbxAudio for how
// it is read, retried and kept away from credentials.
func (c *Client) UploadConversationMultimedia(ctx context.Context, extension, contentType string, body io.Reader) (*UploadedFile, error) {
	return c.upload(ctx, uploadMultimedia, extension, contentType, body, func(ext string) (string, string, error) {
		up, err := c.GetConversationMultimediaUploadURL(ctx, ext)
		return up.GetKey(), up.GetURL(), err
	})
}

// UploadConversationPbxAudio uploads an audio file for the PBX (a greeting,
// hold music): it gets a presigned URL (getConversationPbxAudioUploadUrl),
// then PUTs body there. The returned Key goes into
// ConversationPbxAudio.AudioS3ListingKey of InsertPbxAudio or
// InsertUserPbxAudio:
//
//	up, err := c.UploadConversationPbxAudio(ctx, "mp3", "audio/mpeg", f)
//	...
//	audio, err := c.InsertPbxAudio(ctx, &conversation.ConversationPbxAudio{
//		Description:       conversation.Ptr("Main greeting"),
//		Filename:          conversation.Ptr("greeting.mp3"),
//		AudioS3ListingKey: conversation.Ptr(up.Key),
//	})
//
// extension is "mp3" or ".mp3" alike (UltraCart does not document which it
// expects: the helper sends it without the dot); contentType may be empty
// to derive it from the extension.
//
// body is sent from where it stands to its end, with its length, which
// storage hosts require (they refuse a chunked upload). A body that is an
// io.ReaderAt and an io.Seeker (*os.File, *bytes.Reader, *strings.Reader,
// *io.SectionReader) is sent as it is, and again from the same offset on a
// retry; any other reader is read into memory first, before anything is
// sent. The PUT carries no UltraCart credential or header, takes no permit
// of the rate budget, and is retried like a get (a 503 from the storage
// host, a broken connection). Its failures are errors of the operation
// "uploadConversationPbxAudio"; a failure to get the URL is an error of
// getConversationPbxAudioUploadUrl, and a response without a usable URL a
// *DecodeError of it. No error text holds the URL's signature.
func (c *Client) UploadConversationPbxAudio(ctx context.Context, extension, contentType string, body io.Reader) (*UploadedFile, error) {
	return c.upload(ctx, uploadPbxAudio, extension, contentType, body, func(ext string) (string, string, error) {
		up, err := c.GetConversationPbxAudioUploadURL(ctx, ext)
		return up.GetKey(), up.GetURL(), err
	})
}

// UploadConversationKnowledgeBaseDocument uploads a document to the
// knowledge base of the AI agent whose user id is userID: it gets a
// presigned URL (getConversationKnowledgeBaseDocumentUploadUrl), then PUTs
// body there. The returned URL goes into
// ConversationInsertKnowledgeBaseDocumentRequest.PresignedURL of
// InsertAgentProfileKnowledgeBaseDocument on the same user id, which adds
// the document:
//
//	up, err := c.UploadConversationKnowledgeBaseDocument(ctx, userID, "pdf", "application/pdf", f)
//	...
//	doc, err := c.InsertAgentProfileKnowledgeBaseDocument(ctx, userID, &conversation.ConversationInsertKnowledgeBaseDocumentRequest{
//		OriginalFileName: conversation.Ptr("return-policy.pdf"),
//		PresignedURL:     conversation.Ptr(up.URL),
//	})
//
// extension is "pdf" or ".pdf" alike; contentType may be empty to derive
// it from the extension. See UploadConversationPbxAudio for how body is
// read, retried and kept away from credentials.
func (c *Client) UploadConversationKnowledgeBaseDocument(ctx context.Context, userID UserID, extension, contentType string, body io.Reader) (*UploadedFile, error) {
	if err := checkUserID(uploadKnowledgeBaseDocument.put.id, "userID", userID); err != nil {
		return nil, err
	}
	return c.upload(ctx, uploadKnowledgeBaseDocument, extension, contentType, body, func(ext string) (string, string, error) {
		up, err := c.GetConversationKnowledgeBaseDocumentUploadURL(ctx, userID, ext)
		return up.GetKey(), up.GetURL(), err
	})
}

// UploadMultimedia uploads data as a conversation file with the given
// extension and returns the presigned URL's key and URL.
//
// Deprecated: use UploadConversationMultimedia, which takes an io.Reader
// (bytes.NewReader(data)) and returns an UploadedFile.
func (c *Client) UploadMultimedia(ctx context.Context, extension, contentType string, data []byte) (*ConversationMultimediaUploadURL, error) {
	if data == nil {
		return nil, &ArgumentError{Operation: uploadMultimedia.put.id, Argument: "data", Reason: "is required"}
	}
	up, err := c.UploadConversationMultimedia(ctx, extension, contentType, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return &ConversationMultimediaUploadURL{Key: &up.Key, URL: &up.URL}, nil
}

// upload is the one implementation of the Upload methods: check the
// arguments, ready the body, get the presigned URL, PUT.
func (c *Client) upload(ctx context.Context, kind uploadKind, extension, contentType string, body io.Reader,
	presign func(ext string) (key, url string, err error)) (*UploadedFile, error) {
	op := kind.put.id
	if err := checkCtx(op, ctx); err != nil {
		return nil, err
	}
	ext := bareExtension(extension)
	if err := checkPathValue(op, "extension", ext); err != nil {
		return nil, err
	}
	if body == nil {
		return nil, &ArgumentError{Operation: op, Argument: "body", Reason: "is required"}
	}
	if p := headerValueProblem(contentType); p != "" {
		// It becomes the PUT's Content-Type header: net/http would refuse it
		// only after the upload URL was fetched.
		return nil, &ArgumentError{Operation: op, Argument: "contentType", Reason: p}
	}
	content, err := replayable(body)
	if err != nil {
		return nil, &ArgumentError{Operation: op, Argument: "body", Reason: "cannot be read: " + err.Error(), Err: err}
	}
	key, target, err := presign(ext)
	if err != nil {
		return nil, err
	}
	if target == "" {
		return nil, &DecodeError{Operation: kind.urlOp, StatusCode: http.StatusOK, Err: uploadError("response has no " + kind.field + ".url")}
	}
	// An unusable URL is the service's fault, not the caller's argument, and
	// retrying the PUT would fail the same way.
	if u, perr := url.Parse(target); perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &DecodeError{Operation: kind.urlOp, StatusCode: http.StatusOK,
			Err: uploadError("response's " + kind.field + ".url is not an absolute http(s) URL")}
	}
	if contentType == "" {
		contentType = mime.TypeByExtension("." + ext)
	}
	err = c.do(ctx, kind.put, func(string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPut, target, http.NoBody)
		if err != nil {
			return nil, err
		}
		req.ContentLength = content.size
		if content.size > 0 {
			req.Body, _ = content.open()
			req.GetBody = content.open
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return req, nil
	}, nil, nil)
	if err != nil {
		return nil, err
	}
	return &UploadedFile{Key: key, URL: target, ContentType: contentType, Size: content.size}, nil
}

// bareExtension drops the dot of an extension such as ".pdf": UltraCart
// does not document whether it wants one, and its URLs name files "key.ext".
// Anything else (".tar.gz", "../x") is sent as given, escaped as a path
// value.
func bareExtension(ext string) string {
	rest, ok := strings.CutPrefix(ext, ".")
	if !ok || rest == "" {
		return ext
	}
	for _, r := range rest {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return ext
		}
	}
	return rest
}

// content is a body that can be sent again: every open reads it whole
// from the start, independently of the others, so that a retry may begin
// while the transport still holds the failed attempt's reader.
type content struct {
	at   io.ReaderAt
	off  int64
	size int64
}

func (c content) open() (io.ReadCloser, error) {
	return io.NopCloser(io.NewSectionReader(c.at, c.off, c.size)), nil
}

// replayable makes body a content: a seekable io.ReaderAt as it stands,
// anything else read into memory.
func replayable(body io.Reader) (content, error) {
	if ra, ok := body.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		if off, err := ra.Seek(0, io.SeekCurrent); err == nil {
			end, err := ra.Seek(0, io.SeekEnd)
			if _, berr := ra.Seek(off, io.SeekStart); err == nil && berr == nil && end >= off {
				return content{at: ra, off: off, size: end - off}, nil
			}
		}
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return content{}, err
	}
	return content{at: bytes.NewReader(b), size: int64(len(b))}, nil
}

type uploadError string

func (e uploadError) Error() string { return string(e) }
