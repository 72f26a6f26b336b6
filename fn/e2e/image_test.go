package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The container image as its users run it (docs/image.md#tested-under-podman): the image
// `make image` builds, on the stand-in base (`make image-e2e`, which `make test` runs), is loaded
// into podman and run by `podman run`, by `kpt fn eval --image`, by a Kptfile pipeline with
// `image:` and by a kustomize `container:` function. Every run must write exactly the bytes the
// binary inside the image writes when run as an exec function on the same input.

// imageFixture is the image loaded into a podman store of the tests' own.
type imageFixture struct {
	image  string   // the loaded image's name
	binary string   // the binary inside the image, run as an exec function for the comparisons
	env    []string // CONTAINERS_CONF, CONTAINERS_STORAGE_CONF: podman's settings and store
	// dockerShim is a directory whose `docker` is podman's CLI, which kustomize (but not kpt)
	// accepts as its docker. dockerHost is podman's API socket for the real docker CLI (kpt's
	// default runtime, and kustomize's too), or "" when there is no docker CLI; noDocker says so.
	dockerShim, dockerHost, noDocker string
	// losesExitCodes: podman before 4.6 answers the docker CLI's `run --rm` with exit code 0
	// whatever the container's (containers/podman#18889), so through its socket a failing
	// function looks like a success (docs/image.md#podman-before-46).
	losesExitCodes bool
}

var (
	imageOnce  sync.Once
	imageFx    *imageFixture
	imageSkip  string // why the image tests cannot run here
	imageSetUp error
)

// podmanImage sets the fixture up once for the package. Where podman, root or the image is
// missing it skips the test and says why, except under CI=true, where .ci/run installs podman and
// `make test` builds the image, so it fails.
func podmanImage(t *testing.T) *imageFixture {
	t.Helper()
	imageOnce.Do(func() { imageFx, imageSkip, imageSetUp = setUpPodman() })
	if imageSetUp != nil {
		t.Fatal(imageSetUp)
	}
	if imageSkip != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (under CI=true .ci/run installs podman and `make test` builds the image)", imageSkip)
		}
		t.Skip(imageSkip)
	}
	return imageFx
}

func setUpPodman() (*imageFixture, string, error) {
	tarPath, binPath := os.Getenv("INJECT_DATADOG_IMAGE"), os.Getenv("INJECT_DATADOG_BINARY")
	if tarPath == "" || binPath == "" {
		return nil, "no image: INJECT_DATADOG_IMAGE and INJECT_DATADOG_BINARY are unset; `make test` builds the image on a stand-in base (make image-e2e) and sets them", nil
	}
	podman, err := exec.LookPath("podman")
	if err != nil {
		return nil, "podman is not installed (apt-get install podman runc): the image tests run the image under it", nil
	}
	if os.Geteuid() != 0 {
		return nil, "the image tests run podman as root (rootful), and this is not root", nil
	}
	fx := &imageFixture{}
	if fx.binary, err = filepath.Abs(binPath); err != nil {
		return nil, "", err
	}
	tarPath, err = filepath.Abs(tarPath)
	if err != nil {
		return nil, "", err
	}

	root, err := os.MkdirTemp("", "inject-datadog-podman")
	if err != nil {
		return nil, "", err
	}
	cleanups = append(cleanups, func() { os.RemoveAll(root) })
	conf, err := filepath.Abs(filepath.Join("testdata", "podman", "containers.conf"))
	if err != nil {
		return nil, "", err
	}
	storage, err := os.ReadFile(filepath.Join("testdata", "podman", "storage.conf"))
	if err != nil {
		return nil, "", err
	}
	storageConf := filepath.Join(root, "storage.conf")
	if err := os.WriteFile(storageConf, bytes.ReplaceAll(storage, []byte("@ROOT@"), []byte(root)), 0o644); err != nil {
		return nil, "", err
	}
	fx.env = []string{"CONTAINERS_CONF=" + conf, "CONTAINERS_STORAGE_CONF=" + storageConf}

	out, err := fx.podman("load", "-i", tarPath)
	if err != nil {
		return nil, "", fmt.Errorf("podman load -i %s: %v\n%s", tarPath, err, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if _, name, ok := strings.Cut(line, "Loaded image: "); ok {
			fx.image = strings.TrimSpace(name)
		}
	}
	if fx.image == "" {
		return nil, "", fmt.Errorf("podman load named no image:\n%s", out)
	}
	if err := fx.sameBinary(root); err != nil {
		return nil, "", err
	}

	fx.dockerShim = filepath.Join(root, "docker-shim")
	if err := os.Mkdir(fx.dockerShim, 0o755); err != nil {
		return nil, "", err
	}
	if err := os.Symlink(podman, filepath.Join(fx.dockerShim, "docker")); err != nil {
		return nil, "", err
	}
	if _, err := exec.LookPath("docker"); err != nil {
		fx.noDocker = "no docker CLI on PATH: kpt's docker runtime and podman's API socket need one (kpt refuses a `docker` that is podman's CLI)"
		return fx, "", nil
	}
	version, err := fx.podman("version", "--format", "{{.Server.Version}}")
	if err != nil {
		return nil, "", fmt.Errorf("podman version: %v\n%s", err, version)
	}
	fx.losesExitCodes = olderThan(strings.TrimSpace(version), 4, 6)
	if err := fx.startService(podman, root); err != nil {
		return nil, "", err
	}
	return fx, "", nil
}

// olderThan reports whether the version "X.Y.Z..." is before major.minor.
func olderThan(version string, major, minor int) bool {
	var x, y int
	if _, err := fmt.Sscanf(version, "%d.%d", &x, &y); err != nil {
		return false
	}
	return x < major || x == major && y < minor
}

// podman runs podman on the tests' store and returns what it printed.
func (fx *imageFixture) podman(args ...string) (string, error) {
	cmd := exec.Command("podman", args...)
	cmd.Env = append(baseEnv(), fx.env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// sameBinary checks that /inject-datadog in the loaded image is the exec binary the comparisons
// run, byte for byte, so that a difference can only come from the runtime.
func (fx *imageFixture) sameBinary(root string) error {
	id, err := fx.podman("create", fx.image)
	if err != nil {
		return fmt.Errorf("podman create %s: %v\n%s", fx.image, err, id)
	}
	id = strings.TrimSpace(id[strings.LastIndex(strings.TrimSpace(id), "\n")+1:])
	defer fx.podman("rm", id)
	copied := filepath.Join(root, "inject-datadog-from-image")
	if out, err := fx.podman("cp", id+":/inject-datadog", copied); err != nil {
		return fmt.Errorf("podman cp %s:/inject-datadog: %v\n%s", id, err, out)
	}
	inImage, err := os.ReadFile(copied)
	if err != nil {
		return err
	}
	want, err := os.ReadFile(fx.binary)
	if err != nil {
		return err
	}
	if !bytes.Equal(inImage, want) {
		return fmt.Errorf("the image's /inject-datadog (%d bytes) is not %s (%d bytes): rebuild both with `make test`", len(inImage), fx.binary, len(want))
	}
	return nil
}

// startService serves podman's Docker-compatible API on a socket of the tests' own, for the docker
// CLI that kpt (runtime docker) and kustomize start; it stops when the tests end.
func (fx *imageFixture) startService(podman, root string) error {
	sock := filepath.Join(root, "podman.sock")
	cmd := exec.Command(podman, "system", "service", "--time=0", "unix://"+sock)
	cmd.Env = append(baseEnv(), fx.env...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // never outlives the tests
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("podman system service: %w", err)
	}
	cleanups = append(cleanups, func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	fx.dockerHost = "unix://" + sock
	deadline := time.Now().Add(20 * time.Second)
	for {
		version := exec.Command("docker", "version", "--format", "{{.Server.Version}}")
		version.Env = append(baseEnv(), "DOCKER_HOST="+fx.dockerHost)
		out, err := version.CombinedOutput()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the docker CLI cannot reach podman's API at %s: %v\n%s\npodman system service:\n%s", sock, err, out, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// baseEnv is the environment without the variables that choose a container runtime, so that each
// test says which one it uses.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "KRM_FN_RUNTIME", "KPT_FN_RUNTIME", "DOCKER_HOST", "DOCKER_CONTEXT", "CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// runtimeDoor is one way kpt or kustomize reaches podman. env skips the test where the door is
// missing; viaSocket marks the docker CLI on podman's API socket.
type runtimeDoor struct {
	name      string
	env       func(t *testing.T, fx *imageFixture) []string
	viaSocket bool
}

var (
	podmanRuntime = runtimeDoor{name: "KRM_FN_RUNTIME=podman", env: func(_ *testing.T, fx *imageFixture) []string {
		return append(fx.env, "KRM_FN_RUNTIME=podman")
	}}
	dockerShim = runtimeDoor{name: "docker is podman's CLI", env: func(_ *testing.T, fx *imageFixture) []string {
		return append(fx.env, "PATH="+fx.dockerShim+string(os.PathListSeparator)+os.Getenv("PATH"))
	}}
	dockerSocket = runtimeDoor{name: "docker CLI on podman's socket", viaSocket: true, env: func(t *testing.T, fx *imageFixture) []string {
		if fx.dockerHost == "" {
			t.Skip(fx.noDocker)
		}
		return append(fx.env, "DOCKER_HOST="+fx.dockerHost)
	}}
	kptRuntimes       = []runtimeDoor{podmanRuntime, dockerSocket}
	kustomizeRuntimes = []runtimeDoor{dockerShim, dockerSocket}
)

// failureLost reports whether a failing function run through rt looks like a success: the docker
// CLI on the socket of a podman before 4.6 gets exit code 0 for every `run --rm`. Then the test
// checks that the function's message still reaches the output (and, under kpt, that no file
// changed), which is all a user of that setup gets (docs/image.md#podman-before-46).
func failureLost(t *testing.T, fx *imageFixture, rt runtimeDoor) bool {
	if rt.viaSocket && fx.losesExitCodes {
		t.Log("podman before 4.6 loses the exit code of the docker CLI's `run --rm` (containers/podman#18889): the failure must be lost, its message shown")
		return true
	}
	return false
}

// run runs name with args, stdin and env added to baseEnv, from a directory of its own.
func run(t *testing.T, env []string, stdin string, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(baseEnv(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	return o.String(), e.String(), code
}

// `podman run` with the flags kpt and kustomize give (`--user nobody`, no network) writes what the
// binary writes: stdout, stderr and exit code, on a ResourceList, a plain stream, a bad config and
// --version.
func TestImagePodmanRun(t *testing.T) {
	fx := podmanImage(t)
	discounts, err := os.ReadFile(repo("examples", "kustomize", "discounts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, stdin string
		args        []string
		code        int
	}{
		{name: "ResourceList", stdin: imageResourceList("mode: socket"), code: 0},
		{name: "plain stream", stdin: string(discounts), code: 0},
		{name: "bad config", stdin: imageResourceList("mode: bogus"), code: 1},
		{name: "--version", args: []string{"--version"}, code: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			podmanArgs := append([]string{"run", "--rm", "-i", "--network", "none", "--user", "nobody",
				"--security-opt=no-new-privileges", "--pull", "never", fx.image}, c.args...)
			gotOut, gotErr, gotCode := run(t, fx.env, c.stdin, "podman", podmanArgs...)
			wantOut, wantErr, wantCode := run(t, nil, c.stdin, fx.binary, c.args...)
			if gotCode != c.code || wantCode != c.code {
				t.Errorf("exit code %d under podman, %d as exec; want %d\npodman's stderr:\n%s", gotCode, wantCode, c.code, gotErr)
			}
			if gotOut != wantOut {
				t.Errorf("stdout under podman differs from the exec binary's:\npodman:\n%s\nexec:\n%s", gotOut, wantOut)
			}
			if gotErr != wantErr {
				t.Errorf("stderr under podman differs from the exec binary's:\npodman:\n%s\nexec:\n%s", gotErr, wantErr)
			}
			if c.code == 0 && c.args == nil && !strings.Contains(gotOut, "DD_ENTITY_ID") {
				t.Errorf("nothing was injected:\n%s", gotOut)
			}
		})
	}
}

// imageResourceList is one Deployment that asks for injection, with an InjectDatadog whose
// config holds the given line.
func imageResourceList(configLine string) string {
	return `apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: fn.kpt.dev/v1alpha1
  kind: InjectDatadog
  metadata:
    name: inject-datadog
  config:
    ` + configLine + `
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
          admission.datadoghq.com/enabled: "true"
      spec:
        containers:
        - name: web
          image: registry.example.com/web:1.0 # a comment kpt keeps
`
}

// runKptEnv runs the real kpt with env added, from a directory of its own, with the exec
// binary's directory first on PATH (for the Kptfile's `exec: inject-datadog`), before env's PATH
// when it sets one.
func runKptEnv(t *testing.T, fx *imageFixture, env []string, args ...string) (string, error) {
	t.Helper()
	path := os.Getenv("PATH")
	var rest []string
	for _, kv := range env {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = p
			continue
		}
		rest = append(rest, kv)
	}
	for try := 1; ; try++ {
		cmd := exec.Command(kptBinary(t), args...)
		cmd.Dir = t.TempDir()
		cmd.Env = append(append(baseEnv(), rest...), "PATH="+filepath.Dir(fx.binary)+string(os.PathListSeparator)+path)
		out, err := cmd.CombinedOutput()
		// kpt gives `docker version` 5 seconds before it runs any function; podman's API can take
		// longer on a loaded machine, and kpt then stops with "signal: killed" and "docker must be
		// running", having changed nothing (docs/image.md#podman). That is the machine, not the
		// image: try again.
		if err != nil && try < 3 && strings.Contains(string(out), "signal: killed\ndocker must be running to use this command") {
			t.Logf("kpt's 5-second docker check timed out (try %d of 3):\n%s", try, out)
			continue
		}
		return string(out), err
	}
}

// `kpt fn eval --image` writes the package `kpt fn eval --exec` writes, file for file; a bad
// value fails both and leaves the package as it was.
func TestImageKptEval(t *testing.T) {
	fx := podmanImage(t)
	for _, rt := range kptRuntimes {
		t.Run(rt.name, func(t *testing.T) {
			env := rt.env(t, fx)
			t.Run("config.mode=socket", func(t *testing.T) {
				viaExec, viaImage := copyDir(t, repo("examples", "kpt")), copyDir(t, repo("examples", "kpt"))
				before := packageFiles(t, viaImage)
				args := []string{"--", "tags.env=prod", "config.mode=socket"}
				if out, err := runKptEnv(t, fx, env, append([]string{"fn", "eval", "--exec", fx.binary, viaExec}, args...)...); err != nil {
					t.Fatalf("kpt fn eval --exec failed: %v\n%s", err, out)
				}
				if out, err := runKptEnv(t, fx, env, append([]string{"fn", "eval", "--image", fx.image, viaImage}, args...)...); err != nil {
					t.Fatalf("kpt fn eval --image failed: %v\n%s", err, out)
				}
				got := packageFiles(t, viaImage)
				sameFiles(t, "kpt fn eval --image, against --exec,", packageFiles(t, viaExec), got)
				if got["discounts.yaml"] == before["discounts.yaml"] {
					t.Error("kpt fn eval --image did not change discounts.yaml")
				}
			})
			t.Run("config.mode=bogus", func(t *testing.T) {
				pkg := copyDir(t, repo("examples", "kpt"))
				before := packageFiles(t, pkg)
				out, err := runKptEnv(t, fx, env, "fn", "eval", "--image", fx.image, pkg, "--", "config.mode=bogus")
				expectFailure(t, failureLost(t, fx, rt), err, out,
					`data[config.mode]: must be one of hostip, service, socket, csi, found "bogus"`)
				sameFiles(t, "the failed eval", before, packageFiles(t, pkg))
			})
		})
	}
}

// kpt's default runtime checks that `docker` is a Docker client of 20.10 or later, so a `docker`
// that is podman's CLI is refused (docs/image.md#kpt): with podman, kpt needs its runtime variable.
func TestImageKptRefusesPodmansDocker(t *testing.T) {
	fx := podmanImage(t)
	pkg := copyDir(t, repo("examples", "kpt"))
	before := packageFiles(t, pkg)
	out, err := runKptEnv(t, fx, dockerShim.env(t, fx), "fn", "eval", "--image", fx.image, pkg, "--", "tags.env=prod")
	if err == nil {
		t.Fatalf("kpt ran the image with podman's CLI as docker; docs/image.md#kpt says it refuses it:\n%s", out)
	}
	if want := "docker client version must be v20.10.0 or greater"; !strings.Contains(out, want) {
		t.Errorf("kpt's output lacks %q:\n%s", want, out)
	}
	sameFiles(t, "the refused eval", before, packageFiles(t, pkg))
}

// imageKptfile turns the example's Kptfile into the one a user of the image writes: `image:`
// instead of `exec:`, without the comment about the exec binary (docs/image.md#kpt).
func imageKptfile(t *testing.T, pkg, image string) {
	t.Helper()
	p := filepath.Join(pkg, "Kptfile")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "# Needs inject-datadog on $PATH") {
			s = strings.Replace(s, line, "", 1)
		}
	}
	withImage := strings.Replace(s, "- exec: inject-datadog", "- image: "+image, 1)
	if withImage == s || strings.Contains(withImage, "exec") {
		t.Fatalf("the example's Kptfile no longer has the `exec: inject-datadog` line this test replaces:\n%s", b)
	}
	if err := os.WriteFile(p, []byte(withImage), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A Kptfile pipeline with `image:` renders what the same pipeline with `exec:` renders, file for
// file (the Kptfiles aside, which differ in that one line and which render leaves alone); a second
// render changes nothing; a bad config fails with the function's message and changes nothing.
func TestImageKptRender(t *testing.T) {
	fx := podmanImage(t)
	for _, rt := range kptRuntimes {
		t.Run(rt.name, func(t *testing.T) {
			env := rt.env(t, fx)
			viaExec, viaImage := copyDir(t, repo("examples", "kpt")), copyDir(t, repo("examples", "kpt"))
			imageKptfile(t, viaImage, fx.image)
			before := packageFiles(t, viaImage)
			if out, err := runKptEnv(t, fx, env, "fn", "render", "--allow-exec", viaExec); err != nil {
				t.Fatalf("kpt fn render (exec) failed: %v\n%s", err, out)
			}
			// No --allow-exec: a pipeline of images needs none.
			if out, err := runKptEnv(t, fx, env, "fn", "render", viaImage); err != nil {
				t.Fatalf("kpt fn render (image) failed: %v\n%s", err, out)
			}
			want, got := packageFiles(t, viaExec), packageFiles(t, viaImage)
			if got["Kptfile"] != before["Kptfile"] {
				t.Errorf("the render changed the Kptfile:\n%s", got["Kptfile"])
			}
			delete(want, "Kptfile")
			delete(got, "Kptfile")
			sameFiles(t, "the image's render, against the exec render,", want, got)
			compareGolden(t, repo("examples", "kpt-expected", "discounts.yaml"), []byte(got["discounts.yaml"]))

			t.Run("again", func(t *testing.T) {
				rendered := packageFiles(t, viaImage)
				if out, err := runKptEnv(t, fx, env, "fn", "render", viaImage); err != nil {
					t.Fatalf("the second kpt fn render failed: %v\n%s", err, out)
				}
				sameFiles(t, "the second render", rendered, packageFiles(t, viaImage))
			})

			t.Run("bad config", func(t *testing.T) {
				pkg := copyDir(t, repo("examples", "kpt"))
				imageKptfile(t, pkg, fx.image)
				cfg := filepath.Join(pkg, "inject-datadog.yaml")
				b, err := os.ReadFile(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(cfg, []byte(strings.Replace(string(b), "mode: hostip", "mdoe: hostip", 1)), 0o644); err != nil {
					t.Fatal(err)
				}
				before := packageFiles(t, pkg)
				out, err := runKptEnv(t, fx, env, "fn", "render", pkg)
				expectFailure(t, failureLost(t, fx, rt), err, out,
					"config.mdoe: is not a field of InjectDatadog (did you mean config.mode?)")
				sameFiles(t, "the failed render", before, packageFiles(t, pkg))
			})
		})
	}
}

// expectFailure checks the run of a bad config: it failed and its output shows want; where the
// runtime loses exit codes (lost), it "succeeded" and still shows want.
func expectFailure(t *testing.T, lost bool, err error, out, want string) {
	t.Helper()
	switch {
	case lost && err != nil:
		t.Errorf("the run failed (%v) where this podman was expected to lose the exit code: update docs/image.md#podman-before-46\n%s", err, out)
	case !lost && err == nil:
		t.Errorf("the run succeeded with a bad config:\n%s", out)
	}
	if !strings.Contains(out, want) {
		t.Errorf("the output lacks %q:\n%s", want, out)
	}
}

// containerExample copies a kustomize example and makes its function a `container:` one running
// the image (docs/image.md#kustomize).
func containerExample(t *testing.T, name, image string) string {
	t.Helper()
	dir := copyDir(t, repo("examples", name))
	p := filepath.Join(dir, "inject-datadog.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	old := "exec:\n        path: ../../bin/inject-datadog\n"
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q for this test to replace:\n%s", p, old, b)
	}
	s := strings.Replace(string(b), old, "container:\n        image: "+image+"\n", 1)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// kustomize's `container:` function, with only --enable-alpha-plugins, builds what the exec
// function builds, byte for byte, for each kustomize example, with `docker` podman's CLI and with
// the docker CLI on podman's socket; a bad config fails with the function's message on stderr.
func TestImageKustomizeContainer(t *testing.T) {
	fx := podmanImage(t)
	kustomize := kustomizeBinary(t)
	for _, rt := range kustomizeRuntimes {
		t.Run(rt.name, func(t *testing.T) {
			env := rt.env(t, fx)
			for _, name := range kustomizeExamples {
				t.Run(name, func(t *testing.T) {
					execDir := copyDir(t, repo("examples", name))
					cfg := filepath.Join(execDir, "inject-datadog.yaml")
					b, err := os.ReadFile(cfg)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(cfg, []byte(strings.Replace(string(b), "../../bin/inject-datadog", fx.binary, 1)), 0o644); err != nil {
						t.Fatal(err)
					}
					want, stderr, code := run(t, nil, "", kustomize, "build", "--enable-alpha-plugins", "--enable-exec", execDir)
					if code != 0 {
						t.Fatalf("kustomize build (exec) failed:\n%s", stderr)
					}
					got, stderr, code := run(t, env, "", kustomize, "build", "--enable-alpha-plugins", containerExample(t, name, fx.image))
					if code != 0 {
						t.Fatalf("kustomize build (container) failed:\n%s", stderr)
					}
					if got != want {
						t.Errorf("the container function's build differs from the exec function's:\ncontainer:\n%s\nexec:\n%s", got, want)
					}
					compareGolden(t, repo("examples", name, "expected.yaml"), []byte(got))
				})
			}
			t.Run("bad config", func(t *testing.T) {
				dir := containerExample(t, "kustomize", fx.image)
				p := filepath.Join(dir, "inject-datadog.yaml")
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(strings.Replace(string(b), "mode: hostip", "mdoe: hostip", 1)), 0o644); err != nil {
					t.Fatal(err)
				}
				out, stderr, code := run(t, env, "", kustomize, "build", "--enable-alpha-plugins", dir)
				var err2 error
				if code != 0 {
					err2 = fmt.Errorf("exit code %d", code)
					if out != "" {
						t.Errorf("the failed build printed:\n%s", out)
					}
				}
				expectFailure(t, failureLost(t, fx, rt), err2, stderr,
					"config.mdoe: is not a field of InjectDatadog (did you mean config.mode?)")
			})
		})
	}
}
