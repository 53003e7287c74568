package conversation

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// followModel is an in-memory getConversationMessages: the oldest messages
// after since (or at and after it, when inclusive), at most limit of them.
// Messages sharing a millisecond come in a new random order on every poll,
// and so does the answer as a whole: neither is documented.
type followModel struct {
	msgs      []ConversationMessage // in arrival order; epochs never decrease, ties aside
	inclusive bool
	rng       *rand.Rand
}

func (s *followModel) get(since int64, limit int) []ConversationMessage {
	var after []ConversationMessage
	for _, m := range s.msgs {
		if e := *m.MessageEpoch; e > since || (s.inclusive && e == since) {
			after = append(after, m)
		}
	}
	s.rng.Shuffle(len(after), func(i, j int) { after[i], after[j] = after[j], after[i] })
	slices.SortStableFunc(after, func(a, b ConversationMessage) int { return cmp.Compare(*a.MessageEpoch, *b.MessageEpoch) })
	page := after[:min(limit, len(after))]
	s.rng.Shuffle(len(page), func(i, j int) { page[i], page[j] = page[j], page[i] })
	return page
}

func (s *followModel) countAt(epoch int64) int {
	n := 0
	for _, m := range s.msgs {
		if *m.MessageEpoch == epoch {
			n++
		}
	}
	return n
}

// FuzzFollowCursor drives FollowMessages' bookkeeping against followModel
// with random epochs, ties, page sizes, limits, start points, arrival
// orders and both readings of since. Each script byte is a poll (high bit
// set) or the arrival of 1 to 8 messages at the newest epoch or up to 3 ms
// after it. Properties: every message after the start is yielded exactly
// once, epochs in order, except in a millisecond reported skipped, which
// must hold at least maxLimit messages; a poll that yields nothing and does
// not wait is followed by a different request, and at most
// log2(maxLimit/pageSize)+3 such polls come in a row; after the last
// arrival the cursor catches up in a bounded number of polls.
func FuzzFollowCursor(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint8(0), false, uint8(0), []byte{0x04, 0x80, 0x80, 0x80})       // five tied, page 2
	f.Add(uint64(2), uint8(1), uint8(0), true, uint8(0), []byte{0x04, 0x80, 0x80, 0x80})        // the same, inclusive
	f.Add(uint64(3), uint8(0), uint8(3), false, uint8(0), []byte{0x07, 0x07, 0x07, 0x80, 0x1f}) // 24 tied, page 1, limit 4: skipped
	f.Add(uint64(4), uint8(0), uint8(3), true, uint8(0), []byte{0x07, 0x07, 0x07, 0x80, 0x1f})
	f.Add(uint64(5), uint8(2), uint8(9), true, uint8(1), []byte{0x03, 0x80, 0x03, 0x80, 0x0b, 0x80, 0x02, 0x13})                     // ties across polls, a start
	f.Add(uint64(6), uint8(3), uint8(20), false, uint8(2), []byte{0x87, 0x07, 0x07, 0x81, 0x0f, 0x0f, 0x80, 0x1f, 0x80, 0x80, 0x07}) // mixed
	f.Fuzz(func(t *testing.T, seed uint64, pageSize, extra uint8, inclusive bool, startAt uint8, script []byte) {
		if len(script) > 64 {
			script = script[:64]
		}
		ps := 1 + int(pageSize%8)
		maxLimit := ps + int(extra%24)
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		model := &followModel{inclusive: inclusive, rng: rng}
		var start int64
		floor := startAt%3 != 0
		if floor {
			start = 1000 + int64(startAt%6)
		}
		cur := newFollowCursor(start, floor, ps, maxLimit)
		maxIdle := bits.Len(uint((maxLimit-1)/ps)) + 2 // ceil(log2(maxLimit/ps)) doublings, one learning of since, one skip

		var yielded []ConversationMessage
		skipped := map[int64]bool{}
		idle := 0 // polls in a row that yielded nothing and did not wait
		var prevSince int64 = -1
		prevLimit := -1
		poll := func() followStep {
			since, limit := cur.next()
			if idle > 0 && since == prevSince && limit == prevLimit {
				t.Fatalf("asked since=%d limit=%d again after a poll that yielded nothing and did not wait", since, limit)
			}
			if limit < 1 || limit > maxLimit || since < 0 {
				t.Fatalf("poll since=%d limit=%d (page size %d, max %d)", since, limit, ps, maxLimit)
			}
			st := cur.take(since, limit, model.get(since, limit))
			yielded = append(yielded, st.fresh...)
			if st.err != nil {
				if !errors.Is(st.err, ErrMessagesSkipped) {
					t.Fatalf("error %v", st.err)
				}
				// After a skip the cursor's last is the millisecond skipped.
				if n := model.countAt(cur.last); n < maxLimit {
					t.Fatalf("skipped epoch %d holding %d messages, fewer than the limit %d", cur.last, n, maxLimit)
				}
				skipped[cur.last] = true
			}
			if len(st.fresh) == 0 && !st.wait {
				if idle++; idle > maxIdle {
					t.Fatalf("%d polls in a row yielded nothing without waiting (bound %d)", idle, maxIdle)
				}
			} else {
				idle = 0
			}
			prevSince, prevLimit = since, limit
			return st
		}

		epoch, n := int64(1000), 0
		for _, b := range script {
			if b&0x80 != 0 {
				poll()
				continue
			}
			epoch += int64(b>>3) & 3
			batch := make([]ConversationMessage, 1+int(b&7))
			for i := range batch {
				batch[i] = msg(fmt.Sprintf("m%d", n), epoch)
				n++
			}
			rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
			model.msgs = append(model.msgs, batch...)
		}
		// No more arrivals: the cursor catches up, then an idle poll
		// yields nothing and waits.
		caughtUp := false
		for range 4*n + 4*maxIdle + 8 {
			if st := poll(); st.wait && len(st.fresh) == 0 {
				caughtUp = true
				break
			}
		}
		if !caughtUp {
			t.Fatalf("not caught up after %d polls for %d messages", 4*n+4*maxIdle+8, n)
		}

		count := map[string]int{}
		for i, m := range yielded {
			count[*m.ConversationMessageUUID]++
			if i > 0 && *m.MessageEpoch < *yielded[i-1].MessageEpoch {
				t.Fatalf("out of order: epoch %d after %d", *m.MessageEpoch, *yielded[i-1].MessageEpoch)
			}
			if floor && *m.MessageEpoch <= start {
				t.Fatalf("yielded epoch %d, not after the start %d", *m.MessageEpoch, start)
			}
		}
		for id, c := range count {
			if c > 1 {
				t.Fatalf("%s yielded %d times", id, c)
			}
		}
		for _, m := range model.msgs {
			e := *m.MessageEpoch
			if (floor && e <= start) || skipped[e] {
				continue
			}
			if count[*m.ConversationMessageUUID] == 0 {
				t.Fatalf("message %s at epoch %d never yielded (page %d, max %d, inclusive %v, start %d/%v, skipped %v)",
					*m.ConversationMessageUUID, e, ps, maxLimit, inclusive, start, floor, skipped)
			}
		}
	})
}
