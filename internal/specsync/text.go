package main

import "github.com/ultracart-community/ultracart-go/internal/spectext"

// text is a description of the facts as the spec states it: UltraCart's
// words, without the HTML escaping the facts keep (see spectext.Text).
func text(s string) string { return spectext.Text(s) }

// describe is a property's description: the facts' text, then what the
// decisions add (a format the documents leave to the name), as a paragraph
// of its own.
func describe(facts, added string) string {
	d := text(facts)
	switch {
	case added == "":
		return d
	case d == "":
		return added
	}
	return d + "\n\n" + added
}
