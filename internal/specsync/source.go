package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// The SDK's layout: the operation class and the model classes.
const (
	apiFile   = "src/com.ultracart.admin.v2/ConversationApi.js"
	modelsDir = "src/com.ultracart.admin.v2.models"
)

// sdkSource is the files of one SDK release: a checkout directory, or a git
// directory (bare or not) at a tag.
type sdkSource struct {
	name  string            // for messages: the directory, with @tag
	files map[string][]byte // path relative to the SDK's root -> content
}

// openSDK reads the operation class and the model classes of the SDK at dir.
// With a tag, dir is a git directory (a bare repository, or a checkout's
// .git or root) and the files are read from that tag; without one, dir is a
// checkout.
func openSDK(dir, tag string) (*sdkSource, error) {
	if tag == "" {
		return readDir(dir)
	}
	return readGit(dir, tag)
}

func readDir(dir string) (*sdkSource, error) {
	src := &sdkSource{name: dir, files: map[string][]byte{}}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(apiFile)))
	if errors.Is(err, fs.ErrNotExist) && isGitDir(dir) {
		return nil, fmt.Errorf("%s is a git directory: give the release's tag (TAG=4.1.86)", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a checkout of UltraCart's JavaScript SDK: %w", dir, err)
	}
	src.files[apiFile] = b
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(modelsDir)))
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".js") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(modelsDir), e.Name()))
		if err != nil {
			return nil, err
		}
		src.files[modelsDir+"/"+e.Name()] = b
	}
	return src, nil
}

func isGitDir(dir string) bool {
	_, err1 := os.Stat(filepath.Join(dir, "HEAD"))
	_, err2 := os.Stat(filepath.Join(dir, "objects"))
	_, err3 := os.Stat(filepath.Join(dir, ".git"))
	return (err1 == nil && err2 == nil) || err3 == nil
}

// readGit reads the two directories at tag with one `git archive`.
func readGit(dir, tag string) (*sdkSource, error) {
	cmd := exec.Command("git", "--git-dir", gitDir(dir), "archive", "--format=tar", tag, "--", path.Dir(apiFile), modelsDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git archive %s of %s: %v: %s", tag, dir, err, strings.TrimSpace(stderr.String()))
	}
	src := &sdkSource{name: dir + "@" + tag, files: map[string][]byte{}}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".js") {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		src.files[h.Name] = b
	}
	if src.files[apiFile] == nil {
		return nil, fmt.Errorf("%s: no %s", src.name, apiFile)
	}
	return src, nil
}

// gitDir is dir's git directory: dir itself when bare, else dir/.git.
func gitDir(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		return filepath.Join(dir, ".git")
	}
	return dir
}

// model returns the source of model class name, or nil.
func (s *sdkSource) model(name string) []byte {
	return s.files[modelsDir+"/"+name+".js"]
}

// modelNames lists the model classes whose name starts with prefix.
func (s *sdkSource) modelNames(prefix string) []string {
	var names []string
	for p := range s.files {
		dir, file := path.Split(p)
		if dir == modelsDir+"/" && strings.HasPrefix(file, prefix) {
			names = append(names, strings.TrimSuffix(file, ".js"))
		}
	}
	slices.Sort(names)
	return names
}
