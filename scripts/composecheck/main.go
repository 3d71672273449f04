// composecheck loads a compose file the way `docker compose config` does
// (compose-spec JSON schema, ${VAR:?} interpolation, cross-references) using
// the official compose-go library, so the file can be checked without Docker.
//
// Usage: composecheck -env-file .env.example [-f docker-compose.yml]... [-print]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

func main() {
	var files fileList
	flag.Var(&files, "f", "compose file; repeat to merge overrides, as docker compose -f does (default docker-compose.yml)")
	envFile := flag.String("env-file", "", "env file providing the variables (required)")
	printModel := flag.Bool("print", false, "print the resolved model, like `docker compose config`")
	flag.Parse()
	if *envFile == "" {
		fail(fmt.Errorf("-env-file is required"))
	}
	if len(files) == 0 {
		files = fileList{"docker-compose.yml"}
	}

	// Only the env file feeds interpolation, never the caller's shell: a
	// variable exported by the developer must not hide one missing in the file.
	opts, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
		cli.WithEnvFiles(*envFile),
		cli.WithDotEnv,
	)
	if err != nil {
		fail(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	if err := checkHealthyDeps(project); err != nil {
		fail(err)
	}
	if err := checkBindSources(project); err != nil {
		fail(err)
	}
	if err := checkWorkers(project); err != nil {
		fail(err)
	}

	if *printModel {
		out, err := project.MarshalYAML()
		if err != nil {
			fail(err)
		}
		os.Stdout.Write(out)
		return
	}
	names := project.ServiceNames()
	sort.Strings(names)
	fmt.Printf("ok: %s: %d services: %s\n", strings.Join(files, " + "), len(names), strings.Join(names, " "))
}

// checkHealthyDeps catches what the schema cannot and `docker compose up`
// only reports at run time: waiting for service_healthy on a service that
// has no healthcheck.
func checkHealthyDeps(p *types.Project) error {
	for _, s := range p.Services {
		for dep, d := range s.DependsOn {
			if d.Condition != types.ServiceConditionHealthy {
				continue
			}
			hc := p.Services[dep].HealthCheck
			if hc == nil || hc.Disable || len(hc.Test) == 0 {
				return fmt.Errorf("service %q waits for %q to be healthy, but %q has no healthcheck", s.Name, dep, dep)
			}
		}
	}
	return nil
}

type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

// checkBindSources: Docker silently creates a missing bind-mount source as an
// empty directory, so a mistyped path (e.g. the postgres init script) would
// not fail, it would just do nothing.
func checkBindSources(p *types.Project) error {
	for _, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				return fmt.Errorf("service %q mounts %s, which does not exist", s.Name, v.Source)
			}
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "composecheck:", err)
	os.Exit(1)
}
