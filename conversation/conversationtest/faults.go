package conversationtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// UploadOperation is the name under which PUTs to the upload URLs handed
// out by getConversationMultimediaUploadUrl are counted by Requests and
// matched by Fault.Operation. It is not an operationId of the API.
const UploadOperation = "upload"

// Fault describes how the fake misbehaves for a request, for testing how a
// client copes with rate limits, outages, slowness and broken connections.
// Queue faults with Server.FailNext; build them with RateLimited,
// HTTPStatus, Latency or Disconnect and refine them with For and
// WithDelay, or fill the fields directly.
type Fault struct {
	// Status is the HTTP status to answer with an ErrorResponse body and a
	// UC-REST-ERROR header, e.g. 429, 500, 502, 503 or 504. Zero answers
	// normally (after Delay).
	Status int
	// RetryAfter is sent as the Retry-After header when not empty:
	// delay-seconds ("2") or an HTTP-date.
	RetryAfter string
	// Delay is how long to wait before answering, whether the answer is the
	// fault or the normal response. The wait ends early if the client gives
	// up or the server is closed.
	Delay time.Duration
	// Message is error.developer_message and the UC-REST-ERROR header; a
	// default describing the fault is used when empty.
	Message string
	// Operation limits the fault to one operationId (any case, e.g.
	// "getConversations"; see OperationIDs) or to UploadOperation. Empty
	// means any API operation; uploads are faulted only when named.
	Operation string
	// Disconnect drops the connection without any answer (after Delay), as
	// a crashed server or a broken network would.
	Disconnect bool
}

// RateLimited is a 429 Too Many Requests with Retry-After set to
// retryAfter in whole seconds, rounded up (Retry-After has no finer unit).
func RateLimited(retryAfter time.Duration) Fault {
	secs := int64(0)
	if retryAfter > 0 {
		secs = int64((retryAfter + time.Second - 1) / time.Second)
	}
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: strconv.FormatInt(secs, 10)}
}

// HTTPStatus answers with status and an ErrorResponse, e.g. 500, 502, 503,
// 504, or 410 (application disabled).
func HTTPStatus(status int) Fault { return Fault{Status: status} }

// Latency answers normally, but only after d.
func Latency(d time.Duration) Fault { return Fault{Delay: d} }

// Disconnect closes the connection without answering.
func Disconnect() Fault { return Fault{Disconnect: true} }

// For returns a copy of f that applies only to the operation with this
// operationId (or UploadOperation).
func (f Fault) For(operationID string) Fault {
	f.Operation = operationID
	return f
}

// WithDelay returns a copy of f that waits d before taking effect.
func (f Fault) WithDelay(d time.Duration) Fault {
	f.Delay = d
	return f
}

// String describes the fault, for test failure messages.
func (f Fault) String() string {
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "after "+f.Delay.String())
	}
	switch {
	case f.Disconnect:
		parts = append(parts, "disconnect")
	case f.Status != 0:
		p := "status " + strconv.Itoa(f.Status)
		if f.RetryAfter != "" {
			p += " Retry-After " + f.RetryAfter
		}
		parts = append(parts, p)
	default:
		parts = append(parts, "answer normally")
	}
	if f.Operation != "" {
		parts = append(parts, "for "+f.Operation)
	}
	return strings.Join(parts, ", ")
}

type pendingFault struct {
	fault     Fault
	remaining int
}

// FailNext makes the next n requests that f applies to fail as f says.
// Faults queue up in the order given; a request takes the first pending
// fault that applies to its operation. Faults are applied before
// authentication, so a request with bad credentials consumes one too. A
// fault naming an unknown operation, or with a Status that is not an error
// status, fails the test (NewServer) or is ignored (New).
func (s *Server) FailNext(n int, f Fault) {
	if n <= 0 {
		return
	}
	if err := s.checkFault(&f); err != nil {
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Errorf("conversationtest: FailNext(%d, %v): %v", n, f, err)
		}
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.faults = append(s.st.faults, &pendingFault{fault: f, remaining: n})
}

// ClearFaults drops every pending fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.faults = nil
}

// PendingFaults returns how many requests are still to be faulted.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, pf := range s.st.faults {
		n += pf.remaining
	}
	return n
}

func (s *Server) checkFault(f *Fault) error {
	if f.Operation != "" {
		if strings.EqualFold(f.Operation, UploadOperation) {
			f.Operation = UploadOperation
		} else if canon, ok := s.spec.canonicalOp(f.Operation); ok {
			f.Operation = canon
		} else {
			return fmt.Errorf("unknown operation %q: want an operationId (see OperationIDs) or %q", f.Operation, UploadOperation)
		}
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		return fmt.Errorf("status %d is not an error status (400-599)", f.Status)
	}
	if f.Delay < 0 {
		return fmt.Errorf("negative delay %v", f.Delay)
	}
	return nil
}

// takeFault consumes the first pending fault that applies to op.
func (s *Server) takeFault(op string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, pf := range s.st.faults {
		applies := pf.fault.Operation == op || (pf.fault.Operation == "" && op != UploadOperation)
		if !applies {
			continue
		}
		pf.remaining--
		if pf.remaining <= 0 {
			s.st.faults = append(s.st.faults[:i], s.st.faults[i+1:]...)
		}
		return pf.fault, true
	}
	return Fault{}, false
}

// applyFault carries out f and reports whether it answered the request (or
// dropped it), so that nothing else must be written.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if !s.sleep(r.Context(), f.Delay) {
		select {
		case <-s.done:
			writeError(w, http.StatusServiceUnavailable, "the fake server is shutting down", "", nil)
		default: // the client went away: nobody to answer
		}
		return true
	}
	if f.Disconnect {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			// HTTP/2 connections cannot be hijacked: the nearest thing is a
			// gateway error.
			writeError(w, http.StatusBadGateway, "injected fault: connection dropped", "", nil)
			return true
		}
		_ = conn.Close()
		return true
	}
	if f.Status == 0 {
		return false
	}
	msg := f.Message
	if msg == "" {
		msg = fmt.Sprintf("injected fault: %d %s", f.Status, http.StatusText(f.Status))
	}
	var extra http.Header
	if f.RetryAfter != "" {
		extra = http.Header{"Retry-After": {f.RetryAfter}}
	}
	writeError(w, f.Status, msg, "", extra)
	return true
}
