//go:build unix

package cli_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-ssg/folio/internal/corpusgen"
)

// TestKilledBuildLeavesOldOrNewTree kills the real folio binary with
// SIGKILL at moments spread over a build, seeded so that every run kills
// at the same fractions of the measured build time. After each kill the
// destination must be, byte for byte, either the tree of the site before
// the change or the tree after it (both built separately, into other
// folders): never a mix, never missing. The next successful build then
// removes whatever temporary folders the kills left beside it.
//
// Each kill interrupts a build that turns the destination into the other
// tree: once a build has reached the tree of the source, the source is
// changed the other way, so builds run from the old tree to the new one
// and back (the destination was once copied back to the old tree before
// each kill, which took longer than the build). The site has 50 documents
// and is killed 12 times, up to one and a half build times in (it had 200,
// killed 20 times up to twice the build time, sleeping out the delay even
// after the build had ended): a build of 50 still spends tens of
// milliseconds in each phase. The test logs which phase each kill
// interrupted, judged by what it left, and fails if none came while the
// build wrote its output.
func TestKilledBuildLeavesOldOrNewTree(t *testing.T) {
	const (
		docs  = 50
		kills = 12
	)
	bin := folioBinary(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	if err := corpusgen.Write(site, docs); err != nil {
		t.Fatal(err)
	}
	var cpu time.Duration
	build := func(args ...string) time.Duration {
		t.Helper()
		start := time.Now()
		cmd := exec.Command(bin, append([]string{"build", "--source", site}, args...)...)
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1745712000")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("folio build %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		return time.Since(start)
	}

	// The old tree, once into a folder of its own and once into the
	// site's destination.
	build("--dest", filepath.Join(dir, "old"))
	oldTree := hashTree(t, filepath.Join(dir, "old"))
	dest := filepath.Join(site, "public")
	build()
	if d := treeDiff(hashTree(t, dest), oldTree); d != "" {
		t.Fatalf("two builds of the same site differ: %s", d)
	}
	rootBefore := siteRootEntries(t, site)

	// The change: edit a tenth of the documents, add some, remove one.
	contentDir := filepath.Join(site, "content")
	sources := map[string]map[string][]byte{"old": readTree(t, contentDir)}
	edit(t, site)
	sources["new"] = readTree(t, contentDir)
	build("--dest", filepath.Join(dir, "new"))
	newTree := hashTree(t, filepath.Join(dir, "new"))
	if treeDiff(oldTree, newTree) == "" {
		t.Fatal("the change left the output as it was")
	}
	// What the kills interrupt, timed once: the build that turns the old
	// destination into the new one.
	took := build()
	if d := treeDiff(hashTree(t, dest), newTree); d != "" {
		t.Fatalf("the build over the old tree differs from the new tree: %s", d)
	}

	// Kill at stratified fractions of the measured build time, up to one
	// and a half times it: a build after a kill also removes what the kill
	// left, and some builds must finish. A build that ends before its
	// moment is not waited for: killing it then would change nothing.
	rng := rand.New(rand.NewPCG(12, 9))
	delays := make([]time.Duration, kills)
	for i := range delays {
		delays[i] = time.Duration((float64(i) + rng.Float64()) / kills * 1.5 * float64(took))
	}
	rng.Shuffle(len(delays), func(i, j int) { delays[i], delays[j] = delays[j], delays[i] })

	other := map[string]string{"old": "new", "new": "old"}
	source, state := "new", "new"
	counts := map[string]int{}
	phases := map[string]int{}
	var bad []string
	for i, delay := range delays {
		switch state {
		case source:
			// The destination is the source's tree: change the source.
			setTree(t, contentDir, sources[source], sources[other[source]])
			source = other[source]
		case other[source]:
		default:
			// Start again from the old tree, as the last build left it.
			if err := os.RemoveAll(dest); err != nil {
				t.Fatal(err)
			}
			if err := os.CopyFS(dest, os.DirFS(filepath.Join(dir, "old"))); err != nil {
				t.Fatal(err)
			}
			if source == "old" {
				setTree(t, contentDir, sources["old"], sources["new"])
				source = "new"
			}
		}
		from := other[source]
		leftBefore := leftovers(t, site, rootBefore)
		cmd := exec.Command(bin, "build", "--source", site)
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1745712000")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
			cmd.Process.Kill()
			<-exited
		case <-exited:
			timer.Stop()
		}

		got, err := hashTreeErr(dest)
		switch {
		case err != nil:
			state = "missing"
			bad = append(bad, fmt.Sprintf("kill %d at %s, %s to %s: no destination (%v)", i+1, delay.Round(time.Millisecond), from, source, err))
		case treeDiff(got, oldTree) == "":
			state = "old"
		case treeDiff(got, newTree) == "":
			state = "new"
		default:
			state = "mixed"
			bad = append(bad, fmt.Sprintf("kill %d at %s, %s to %s: a mix; against the old tree %s; against the new %s",
				i+1, delay.Round(time.Millisecond), from, source, treeDiff(got, oldTree), treeDiff(got, newTree)))
		}
		counts[state]++
		// A temporary folder that was not there before the build: it had
		// begun writing its output.
		writing := false
		for _, l := range leftovers(t, site, rootBefore) {
			writing = writing || !slices.Contains(leftBefore, l)
		}
		phase := ""
		switch {
		case state == from && !writing:
			phase = "before writing"
		case state == from:
			phase = "while writing"
		case state == source && writing:
			phase = "after the swap"
		case state == source:
			phase = "after the build"
		}
		phases[phase]++
		t.Logf("kill %2d at %5s, %s to %s: %s (%s)", i+1, delay.Round(time.Millisecond), from, source, state, phase)
	}
	left := leftovers(t, site, rootBefore)
	t.Logf("%d kills over a build of %s (%s CPU): %d old, %d new, %d missing, %d mixed; %d folders left beside the destination: %s",
		kills, took.Round(time.Millisecond), cpu.Round(time.Millisecond), counts["old"], counts["new"], counts["missing"], counts["mixed"], len(left), strings.Join(left, " "))
	t.Logf("kills by phase: %d before writing, %d while writing, %d after the swap (removing the tree it replaced), %d after the build",
		phases["before writing"], phases["while writing"], phases["after the swap"], phases["after the build"])
	for _, b := range bad {
		t.Error(b)
	}
	if phases["while writing"] == 0 {
		t.Errorf("no kill came while the build wrote its output (the build took %s when timed); the test proved nothing there", took.Round(time.Millisecond))
	}

	// One successful build: the new tree, and nothing left over.
	if source == "old" {
		setTree(t, contentDir, sources["old"], sources["new"])
	}
	build()
	if d := treeDiff(hashTree(t, dest), newTree); d != "" {
		t.Errorf("after a successful build the destination is not the new tree: %s", d)
	}
	if left := leftovers(t, site, rootBefore); len(left) > 0 {
		t.Errorf("the successful build after the kills left %d folders beside the destination: %s", len(left), strings.Join(left, " "))
	}
}

// readTree returns the bytes of every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// setTree turns the files under dir from the set from into the set to,
// writing and removing only what differs.
func setTree(t *testing.T, dir string, from, to map[string][]byte) {
	t.Helper()
	for name := range from {
		if _, ok := to[name]; !ok {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, b := range to {
		if old, ok := from[name]; ok && bytes.Equal(old, b) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// edit changes a tenth of the documents, adds ten and removes one.
func edit(t *testing.T, site string) {
	t.Helper()
	var docs []string
	err := filepath.WalkDir(filepath.Join(site, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			docs = append(docs, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(docs)
	for i, p := range docs {
		if i%10 != 0 {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, fmt.Sprintf("\n## 修订\n\n第%d次修订，增补一段。\n", i)...)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		p := filepath.Join(site, "content", "2026", fmt.Sprintf("new%02d.md", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		doc := fmt.Sprintf("---\ntitle: 新增的第%d篇\ndate: 2026-01-%02d\ntags: [新增]\n---\n\n正文。\n", i, i+1)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(docs[len(docs)-1]); err != nil {
		t.Fatal(err)
	}
}

// hashTree maps every file and folder under dir to a digest of its bytes
// ("dir" for folders).
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree, err := hashTreeErr(dir)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func hashTreeErr(dir string) (map[string]string, error) {
	if _, err := os.Lstat(dir); err != nil {
		return nil, err
	}
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.IsDir():
			tree[rel] = "dir"
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			tree[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		default:
			tree[rel] = d.Type().String()
		}
		return nil
	})
	return tree, err
}

// treeDiff says how got differs from want, or "" when it does not.
func treeDiff(got, want map[string]string) string {
	var missing, extra, changed []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			missing = append(missing, p)
		case g != w:
			changed = append(changed, p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			extra = append(extra, p)
		}
	}
	if len(missing)+len(extra)+len(changed) == 0 {
		return ""
	}
	some := func(l []string) string {
		slices.Sort(l)
		if len(l) > 3 {
			return strings.Join(l[:3], " ") + " …"
		}
		return strings.Join(l, " ")
	}
	return fmt.Sprintf("%d missing (%s), %d extra (%s), %d changed (%s)",
		len(missing), some(missing), len(extra), some(extra), len(changed), some(changed))
}

func siteRootEntries(t *testing.T, site string) []string {
	t.Helper()
	entries, err := os.ReadDir(site)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// leftovers are the entries of the site root that were not there after
// the first build (temporary folders of killed builds). The spare, the
// tree a swap replaced, kept for the next build, is not one.
func leftovers(t *testing.T, site string, before []string) []string {
	t.Helper()
	var left []string
	for _, n := range siteRootEntries(t, site) {
		if !slices.Contains(before, n) && n != ".public.spare" {
			left = append(left, n)
		}
	}
	return left
}
