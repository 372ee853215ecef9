package compose

import (
	"io"
	"runtime"
	"sync"
	"testing"
	"time"
)

const twentyMB = 20 << 20

// generator is an attachment's content made on the fly: n bytes of a
// pattern, so that the test itself holds no buffer of that size.
type generator struct{ off, n int64 }

func (g *generator) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	if rest := g.n - g.off; int64(len(p)) > rest {
		p = p[:rest]
	}
	for i := range p {
		p[i] = byte((g.off + int64(i)) * 7)
	}
	g.off += int64(len(p))
	return len(p), nil
}

func (g *generator) Close() error { return nil }

func bigMessage() *Message {
	m := testMessage()
	m.Attachments = []Attachment{{
		Filename: "Peta Kota Pematangsiantar.tif", Size: twentyMB,
		Open: func() (io.ReadCloser, error) { return &generator{n: twentyMB}, nil },
	}}
	return m
}

// heapGrowth runs f and returns the peak growth of HeapInuse over its
// value before f, sampled every half millisecond, and the bytes allocated
// in all (TotalAlloc) meanwhile.
func heapGrowth(f func()) (peak, allocated uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		mu   sync.Mutex
		max  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		if ms.HeapInuse > max {
			max = ms.HeapInuse
		}
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	f()
	sample()
	close(done)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if max > before.HeapInuse {
		peak = max - before.HeapInuse
	}
	return peak, after.TotalAlloc - before.TotalAlloc
}

// TestBuildMemory builds a message with a 20 MB attachment into a file:
// the heap must not grow with the attachment.
func TestBuildMemory(t *testing.T) {
	m := bigMessage()
	dir := t.TempDir()
	var b *Built
	var err error
	peak, allocated := heapGrowth(func() { b, err = m.Build(dir, false) })
	if err != nil {
		t.Fatal(err)
	}
	defer b.Remove()
	if b.Size < EncodedSize(twentyMB) {
		t.Fatalf("message of %d bytes for a 20 MB attachment", b.Size)
	}
	t.Logf("20 MB attachment: message %d bytes, peak heap growth %.2f MiB, allocated %.2f MiB in all",
		b.Size, float64(peak)/(1<<20), float64(allocated)/(1<<20))
	if peak > 8<<20 {
		t.Errorf("heap grew by %d bytes while building a 20 MB message", peak)
	}
	if allocated > 16<<20 {
		t.Errorf("%d bytes allocated while building a 20 MB message: something buffers", allocated)
	}
}

// BenchmarkBuild20MB builds a message with a 20 MB attachment (from a
// generator, not a buffer) into a temporary file and reports the peak heap
// growth during the build.
func BenchmarkBuild20MB(b *testing.B) {
	dir := b.TempDir()
	m := bigMessage()
	var maxPeak, maxAlloc uint64
	b.SetBytes(twentyMB)
	for b.Loop() {
		var built *Built
		var err error
		peak, allocated := heapGrowth(func() { built, err = m.Build(dir, false) })
		if err != nil {
			b.Fatal(err)
		}
		built.Remove()
		maxPeak = max(maxPeak, peak)
		maxAlloc = max(maxAlloc, allocated)
	}
	b.ReportMetric(float64(maxPeak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(maxAlloc)/(1<<20), "alloc-MiB/op")
}
