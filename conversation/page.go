package conversation

// Page is one page of a paged list operation (getConversations,
// searchPbxCalls): the items, and where the list goes on. Iterators such as
// GetConversationsIter walk every page for you.
type Page[T any] struct {
	Items []T
	// ResultSet is metadata.result_set: offset, count, limit, more,
	// next_offset and total_records (zero when the service sent none).
	ResultSet ResultSet
	// Metadata and Warning are the response envelope's.
	Metadata *ResponseMetadata
	Warning  *Warning
}

// More reports whether the service says more items follow.
func (p *Page[T]) More() bool { return p != nil && p.ResultSet.More != nil && *p.ResultSet.More }

func newPage[T any](items []T, meta *ResponseMetadata, warn *Warning) *Page[T] {
	p := &Page[T]{Items: items, Metadata: meta, Warning: warn}
	if meta != nil && meta.ResultSet != nil {
		p.ResultSet = *meta.ResultSet
	}
	return p
}
