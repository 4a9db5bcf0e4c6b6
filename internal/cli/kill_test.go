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
// SIGKILL at moments spread over a build. After each kill the destination
// must be, byte for byte, either the tree of the site before the change or
// the tree after it (both built separately, into other folders): never a
// mix, never missing. The next successful build then removes whatever
// temporary folders the kills left beside it.
//
// Each kill interrupts a build that turns the destination into the other
// tree: once a build has reached the tree of the source, the source is
// changed the other way, so builds run from the old tree to the new one
// and back. The site has 50 documents and is killed 12 times: half of
// the kills at seeded fractions of the window in which such a build was
// last seen writing its output, half at seeded fractions of one and a
// half such builds. (The kills were once timed from the first build over
// the old tree, which finds no cache and took 1.4 s on a loaded CI
// machine against 0.2 s for the builds it interrupted: every kill came
// after the build.) The test logs which phase each kill interrupted,
// judged by what it left, and fails if none came while the build wrote
// its output.
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
	// What the kills interrupt: builds from one tree to the other with
	// the cache and the spare that such a build finds. The first build
	// over the old destination is not one of them (it found no cache for
	// this destination, and took several times as long on CI), so the
	// builds are watched instead: each one that is not killed records when
	// it began writing (a new folder beside the destination) and when it
	// ended, by direction, and the kills are timed from the last such
	// window.
	took := build()
	if d := treeDiff(hashTree(t, dest), newTree); d != "" {
		t.Fatalf("the build over the old tree differs from the new tree: %s", d)
	}
	windows := map[string]buildWindow{}
	other := map[string]string{"old": "new", "new": "old"}
	source := "new"
	for range 2 {
		for range 2 {
			setTree(t, contentDir, sources[source], sources[other[source]])
			source = other[source]
			leftBefore := leftovers(t, site, rootBefore)
			w, killed := watchBuild(t, bin, site, rootBefore, leftBefore, 0)
			if killed || w.writeAt == 0 {
				t.Fatalf("a build from the %s tree to the %s tree did not write beside the destination", other[source], source)
			}
			windows[source] = w
		}
	}

	// Half the kills at stratified fractions of the window in which the
	// build writes its output (from the new folder to the end, the swap
	// and the removal of what it replaced included), half at stratified
	// fractions of one and a half build times: some builds must finish,
	// and a build after a kill also removes what the kill left. A build
	// that ends before its moment is not waited for.
	rng := rand.New(rand.NewPCG(12, 9))
	type moment struct {
		writing bool
		frac    float64
	}
	var moments []moment
	for i := range kills / 2 {
		moments = append(moments,
			moment{true, (float64(i) + rng.Float64()) / (kills / 2)},
			moment{false, (float64(i) + rng.Float64()) / (kills / 2) * 1.5})
	}
	rng.Shuffle(len(moments), func(i, j int) { moments[i], moments[j] = moments[j], moments[i] })

	state := source
	counts := map[string]int{}
	phases := map[string]int{}
	var bad []string
	for i, m := range moments {
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
		w := windows[source]
		delay := time.Duration(m.frac * 1.5 * float64(w.end))
		if m.writing {
			delay = w.writeAt + time.Duration(m.frac*float64(w.end-w.writeAt))
		}
		leftBefore := leftovers(t, site, rootBefore)
		got, killed := watchBuild(t, bin, site, rootBefore, leftBefore, delay)
		if !killed && got.writeAt > 0 {
			windows[source] = got
		}

		tree, err := hashTreeErr(dest)
		switch {
		case err != nil:
			state = "missing"
			bad = append(bad, fmt.Sprintf("kill %d at %s, %s to %s: no destination (%v)", i+1, delay.Round(time.Millisecond), from, source, err))
		case treeDiff(tree, oldTree) == "":
			state = "old"
		case treeDiff(tree, newTree) == "":
			state = "new"
		default:
			state = "mixed"
			bad = append(bad, fmt.Sprintf("kill %d at %s, %s to %s: a mix; against the old tree %s; against the new %s",
				i+1, delay.Round(time.Millisecond), from, source, treeDiff(tree, oldTree), treeDiff(tree, newTree)))
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
		aim := "the build"
		if m.writing {
			aim = fmt.Sprintf("writing %s–%s", w.writeAt.Round(time.Millisecond), w.end.Round(time.Millisecond))
		}
		t.Logf("kill %2d at %5s (aimed at %s), %s to %s: %s (%s)", i+1, delay.Round(time.Millisecond), aim, from, source, state, phase)
	}
	left := leftovers(t, site, rootBefore)
	t.Logf("%d kills; the first build over the old tree took %s (%s CPU); %d old, %d new, %d missing, %d mixed; %d folders left beside the destination: %s",
		kills, took.Round(time.Millisecond), cpu.Round(time.Millisecond), counts["old"], counts["new"], counts["missing"], counts["mixed"], len(left), strings.Join(left, " "))
	t.Logf("kills by phase: %d before writing, %d while writing, %d after the swap (removing the tree it replaced), %d after the build",
		phases["before writing"], phases["while writing"], phases["after the swap"], phases["after the build"])
	for _, b := range bad {
		t.Error(b)
	}
	if phases["while writing"] == 0 {
		t.Errorf("no kill came while the build wrote its output (the first build over the old tree took %s); the test proved nothing there", took.Round(time.Millisecond))
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

// A buildWindow is when, after its start, a build began writing beside
// the destination and when it ended.
type buildWindow struct{ writeAt, end time.Duration }

// watchBuild runs folio build on site, killing it after kill (never when
// kill is 0), and watches the site root every half millisecond for a
// folder that is neither one of the first build's entries nor one of
// leftBefore: the build began writing its output.
func watchBuild(t *testing.T, bin, site string, rootBefore, leftBefore []string, kill time.Duration) (w buildWindow, killed bool) {
	t.Helper()
	cmd := exec.Command(bin, "build", "--source", site)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1745712000")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	var deadline <-chan time.Time
	if kill > 0 {
		timer := time.NewTimer(kill)
		defer timer.Stop()
		deadline = timer.C
	}
	tick := time.NewTicker(500 * time.Microsecond)
	defer tick.Stop()
	for {
		select {
		case <-deadline:
			cmd.Process.Kill()
			<-exited
			return w, true
		case <-exited:
			w.end = time.Since(start)
			return w, false
		case <-tick.C:
			if w.writeAt > 0 {
				continue
			}
			for _, l := range leftovers(t, site, rootBefore) {
				if !slices.Contains(leftBefore, l) {
					w.writeAt = time.Since(start)
				}
			}
		}
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
