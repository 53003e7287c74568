package conversation

import "errors"

// ErrPagingStalled is matched (errors.Is) by the *PagingError an iterator
// or poller yields when the service's answers stop making progress: a page
// that brings nothing new, a next offset that does not advance, messages
// older than the since asked for. An iterator ends after yielding it; a
// poller (FollowConversationMessages, WatchInbox) yields it and tries again after its
// interval.
var ErrPagingStalled = errors.New("paging stalled")

// PagingError says what the service did that stopped a walk: which
// operation, and how its answer failed to move on.
type PagingError struct {
	Operation string // operationId, e.g. "getConversations"
	// Reason describes what the service sent, e.g. "a page of 200 at
	// offset 400 brought nothing new (the service ignores _offset?)".
	Reason string
}

func (e *PagingError) Error() string {
	return "conversation: " + e.Operation + ": paging stalled: " + e.Reason
}

// Is makes errors.Is(err, ErrPagingStalled) work.
func (e *PagingError) Is(target error) bool { return target == ErrPagingStalled }
