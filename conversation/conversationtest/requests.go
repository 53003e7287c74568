package conversationtest

import (
	"maps"
	"net/http"
	"strings"
	"time"
)

// RecordedRequest is one request the fake received, for assertions on what
// a client sent.
type RecordedRequest struct {
	// Operation is the operationId the request was routed to,
	// UploadOperation for an upload, or "" when it matched nothing.
	Operation string
	// Method and Path (escaped, without the query) as received.
	Method string
	Path   string
	// RawQuery is the query string without the '?'.
	RawQuery string
	// Header is a copy of the request headers, credentials included: the
	// fake's own key is random and local.
	Header http.Header
	// Status is the status the fake answered with; 0 when the connection
	// was dropped or the client went away first.
	Status int
	// Time is when the request finished, by the server's clock.
	Time time.Time
}

// Requests returns how many requests arrived per operationId (and
// UploadOperation), whatever their outcome: faulted, unauthenticated and
// invalid requests count too, so retries are visible.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.st.counts)
}

// RequestCount returns how many requests arrived for one operationId, in
// any case (e.g. "getConversations"), or for UploadOperation. An unknown
// name fails the test (NewServer) and counts 0.
func (s *Server) RequestCount(operationID string) int {
	if canon, ok := s.spec.canonicalOp(operationID); ok {
		operationID = canon
	} else if strings.EqualFold(operationID, UploadOperation) {
		operationID = UploadOperation
	} else {
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Errorf("conversationtest: RequestCount: unknown operation %q: want an operationId (see OperationIDs) or %q", operationID, UploadOperation)
		}
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.counts[operationID]
}

// RequestLog returns every request received so far, oldest first (by the
// time it finished).
func (s *Server) RequestLog() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.st.log))
	for i, r := range s.st.log {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// ResetRequests forgets the counts and the log, e.g. after seeding through
// the API.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.counts = make(map[string]int)
	s.st.log = nil
}

// countRequest is called as soon as a request is routed, so that a count
// is visible while a delayed request is still in flight.
func (s *Server) countRequest(op string) {
	if op == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.counts[op]++
}

// maxLog bounds the request log of a long-running fake (the standalone
// command): the oldest half is dropped when it is full.
const maxLog = 10000

func (s *Server) logRequest(op string, r *http.Request, status int) {
	rec := RecordedRequest{
		Operation: op,
		Method:    r.Method,
		Path:      r.URL.EscapedPath(),
		RawQuery:  r.URL.RawQuery,
		Header:    r.Header.Clone(),
		Status:    status,
		Time:      s.cfg.now(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.st.log) >= maxLog {
		s.st.log = append(s.st.log[:0], s.st.log[maxLog/2:]...)
	}
	s.st.log = append(s.st.log, rec)
}
