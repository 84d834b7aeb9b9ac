// tlogcheck verifies a running ledgerd with Go's own implementations of the
// formats: golang.org/x/mod/sumdb/note for the signed checkpoint and
// golang.org/x/mod/sumdb/tlog for the Merkle tree, tiles and proofs. None of
// this code is ours, so agreement here is agreement with an outside verifier.
//
//	tlogcheck URL VKEY
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var base string

func get(path string) []byte {
	resp, err := http.Get(base + path)
	if err != nil {
		fail("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		fail("GET %s: status %d: %s", path, resp.StatusCode, b)
	}
	return b
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

// tileReader fetches C2SP tiles: Go's tile paths carry the height
// ("tile/8/L/N"), C2SP's do not ("tile/L/N").
type tileReader struct{}

func (tileReader) Height() int { return 8 }
func (tileReader) SaveTiles([]tlog.Tile, [][]byte) {}
func (tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		out[i] = get("/" + strings.Replace(t.Path(), "tile/8/", "tile/", 1))
	}
	return out, nil
}

func hashes(list []string) []tlog.Hash {
	var out []tlog.Hash
	for _, s := range list {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			fail("bad hash %q", s)
		}
		var h tlog.Hash
		copy(h[:], b)
		out = append(out, h)
	}
	return out
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: tlogcheck URL VKEY")
	}
	base = strings.TrimSuffix(os.Args[1], "/")
	verifier, err := note.NewVerifier(os.Args[2])
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg := get("/checkpoint")
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("note.Open rejected the checkpoint: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint origin %q is not the key name %q", lines[0], verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != 32 {
		fail("checkpoint root is not a base64 hash")
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	tree := tlog.Tree{N: size, Hash: root}
	hr := tlog.TileHashReader(tree, tileReader{})

	th, err := tlog.TreeHash(size, hr)
	if err != nil || th != root {
		fail("tlog.TreeHash over our tiles gives %v (%v), checkpoint says %v", th, err, root)
	}

	// Entry bundles give the entries; every leaf hash must match the tiles.
	var entries [][]byte
	for start := int64(0); start < size; start += 256 {
		w := size - start
		path := fmt.Sprintf("/tile/entries/%s", tlog.Tile{H: 8, L: 0, N: start / 256, W: 256}.Path()[len("tile/8/0/"):])
		if w < 256 {
			path = fmt.Sprintf("/tile/entries/%s", tlog.Tile{H: 8, L: 0, N: start / 256, W: int(w)}.Path()[len("tile/8/0/"):])
		}
		b := get(path)
		for len(b) > 0 {
			if len(b) < 2 {
				fail("entry bundle %s is truncated", path)
			}
			l := int(b[0])<<8 | int(b[1])
			entries = append(entries, b[2:2+l])
			b = b[2+l:]
		}
	}
	if int64(len(entries)) != size {
		fail("entry bundles hold %d entries, checkpoint says %d", len(entries), size)
	}
	step := size/50 + 1
	for i := int64(0); i < size; i += step {
		leaf := tlog.RecordHash(entries[i])
		goProof, err := tlog.ProveRecord(size, i, hr)
		if err != nil {
			fail("tlog.ProveRecord(%d): %v", i, err)
		}
		if err := tlog.CheckRecord(goProof, size, root, i, leaf); err != nil {
			fail("entry %d is not in the checkpointed tree: %v", i, err)
		}
		var ours struct{ Hashes []string }
		json.Unmarshal(get(fmt.Sprintf("/api/v1/proof/inclusion?seq=%d&size=%d", i, size)), &ours)
		if err := tlog.CheckRecord(tlog.RecordProof(hashes(ours.Hashes)), size, root, i, leaf); err != nil {
			fail("our inclusion proof for %d fails tlog.CheckRecord: %v", i, err)
		}
		var raw struct{ Raw string }
		json.Unmarshal(get(fmt.Sprintf("/api/v1/entries/%d", i)), &raw)
		rb, _ := base64.StdEncoding.DecodeString(raw.Raw)
		if !bytes.Equal(rb, entries[i]) {
			fail("entry %d differs between the API and the entry bundle", i)
		}
	}
	for m := int64(1); m < size; m += step {
		oldRoot, err := tlog.TreeHash(m, hr)
		if err != nil {
			fail("tlog.TreeHash(%d): %v", m, err)
		}
		var ours struct{ Hashes []string }
		json.Unmarshal(get(fmt.Sprintf("/api/v1/proof/consistency?from=%d&to=%d", m, size)), &ours)
		if err := tlog.CheckTree(tlog.TreeProof(hashes(ours.Hashes)), size, root, m, oldRoot); err != nil {
			fail("our consistency proof %d->%d fails tlog.CheckTree: %v", m, size, err)
		}
		goProof, _ := tlog.ProveTree(size, m, hr)
		if len(goProof) != len(ours.Hashes) {
			fail("consistency proof %d->%d: Go makes %d hashes, we made %d", m, size, len(goProof), len(ours.Hashes))
		}
	}
	fmt.Printf("OK: Go's note and tlog accept checkpoint, tiles, bundles and proofs at size %d\n", size)
}
