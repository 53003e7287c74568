package main

import (
	"math"
	"slices"
)

// median of xs (NaN for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// slowerP is the one-sided p-value of the Mann-Whitney U test for "xs tend to
// be larger than ys": small when xs are significantly larger. Exact for
// samples of up to 50 (ties counted as half), normal approximation beyond.
func slowerP(xs, ys []float64) float64 {
	n, m := len(xs), len(ys)
	if n == 0 || m == 0 {
		return 1
	}
	u := 0.0
	for _, x := range xs {
		for _, y := range ys {
			switch {
			case x > y:
				u++
			case x == y:
				u += 0.5
			}
		}
	}
	if n > 50 || m > 50 {
		mu := float64(n*m) / 2
		sigma := math.Sqrt(float64(n*m*(n+m+1)) / 12)
		z := (u - 0.5 - mu) / sigma // continuity correction
		return 0.5 * math.Erfc(z/math.Sqrt2)
	}
	// dist[k] = number of rankings of n xs and m ys with U == k.
	dist := uDistribution(n, m)
	total, tail := 0.0, 0.0
	for k, c := range dist {
		total += c
		if float64(k) >= u-1e-9 {
			tail += c
		}
	}
	return tail / total
}

// uDistribution counts, for each U, the arrangements of n and m items with
// that U, by the recurrence f(n, m, u) = f(n-1, m, u-m) + f(n, m-1, u).
func uDistribution(n, m int) []float64 {
	// f[i][j] is the distribution for i xs and j ys.
	f := make([][][]float64, n+1)
	for i := range f {
		f[i] = make([][]float64, m+1)
		for j := range f[i] {
			d := make([]float64, i*j+1)
			switch {
			case i == 0 || j == 0:
				d[0] = 1
			default:
				for k := range d {
					if k-j >= 0 && k-j < len(f[i-1][j]) {
						d[k] += f[i-1][j][k-j] // the largest item is an x: it beats all j ys
					}
					if k < len(f[i][j-1]) {
						d[k] += f[i][j-1][k] // the largest item is a y
					}
				}
			}
			f[i][j] = d
		}
	}
	return f[n][m]
}
