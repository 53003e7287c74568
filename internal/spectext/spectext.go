// Package spectext turns the descriptions of an SDK release's facts into
// the text the spec states: internal/specsync writes the spec with it, and
// the spec's tests compare the spec with UltraCart's reference through it.
package spectext

import (
	"html"
	"strings"
)

// Text is a description as UltraCart wrote it. The facts and the reference
// keep descriptions HTML-escaped, as openapi-generator's templates write
// them into the SDKs' documentation (&#39; for ', &#x3D; for =, &lt; for
// <); the spec, and the Go docs generated from it, read "Null = shared",
// not "Null &#x3D; shared". A few descriptions also carry punctuation that
// went through Windows-1252 on its way into the SDK ("derived â€” read
// only"), repaired here.
func Text(s string) string {
	return mojibake.Replace(html.UnescapeString(s))
}

// mojibake maps the UTF-8 punctuation that reads as three Windows-1252
// characters back to itself.
var mojibake = strings.NewReplacer(
	"â€”", "—", // em dash
	"â€“", "–", // en dash
	"â€™", "’",
	"â€˜", "‘",
	"â€œ", "“",
	"â€¦", "…",
)
