package conversation

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// opUploadPut is the PUT of the bytes to the presigned URL: another host, so
// no UltraCart credential or header goes with it.
var opUploadPut = operation{id: "uploadMultimedia", idempotent: true, foreign: true}

// UploadMultimedia uploads data as a file with the given extension: it gets a
// presigned URL, then PUTs the bytes there without any UltraCart credential.
// contentType may be empty to derive it from the extension. The returned key
// goes into a message's upload_keys.
func (c *Client) UploadMultimedia(ctx context.Context, extension, contentType string, data []byte) (*ConversationMultimediaUploadURL, error) {
	if data == nil {
		return nil, &ArgumentError{Operation: opUploadPut.id, Argument: "data", Reason: "is required"}
	}
	if p := headerValueProblem(contentType); p != "" {
		// It becomes the PUT's Content-Type header: net/http would refuse it
		// only after the upload URL was fetched.
		return nil, &ArgumentError{Operation: opUploadPut.id, Argument: "contentType", Reason: p}
	}
	up, err := c.GetConversationMultimediaUploadURL(ctx, extension)
	if err != nil {
		return nil, err
	}
	if up.URL == nil || *up.URL == "" {
		return nil, &DecodeError{Operation: opGetConversationMultimediaUploadURL.id, StatusCode: http.StatusOK, Err: errNoUploadURL}
	}
	// An unusable URL is the service's fault, not the caller's argument, and
	// retrying the PUT would fail the same way.
	if u, perr := url.Parse(*up.URL); perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &DecodeError{Operation: opGetConversationMultimediaUploadURL.id, StatusCode: http.StatusOK, Err: errBadUploadURL}
	}
	if contentType == "" {
		contentType = mime.TypeByExtension("." + strings.TrimPrefix(extension, "."))
	}
	target := *up.URL
	err = c.do(ctx, opUploadPut, func(string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPut, target, bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return req, nil
	}, nil, nil)
	if err != nil {
		return nil, err
	}
	return up, nil
}

type uploadError string

func (e uploadError) Error() string { return string(e) }

const (
	errNoUploadURL  = uploadError("response has no conversation_multimedia_upload_url.url")
	errBadUploadURL = uploadError("response's conversation_multimedia_upload_url.url is not an absolute http(s) URL")
)
