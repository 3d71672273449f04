package main

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// checkWorkers: a service with a database (it has a "<name>-migrate" job) does
// its event work (outbox relay, consumers) in a separate worker process. Without
// "<name>-worker" its events would sit in the outbox and nothing would consume.
func checkWorkers(p *types.Project) error {
	names := p.ServiceNames()
	sort.Strings(names)
	for _, job := range names {
		name, ok := strings.CutSuffix(job, "-migrate")
		if !ok {
			continue
		}
		if err := checkWorker(p, name); err != nil {
			return err
		}
	}
	return nil
}

func checkWorker(p *types.Project, name string) error {
	workerName := name + "-worker"
	worker, ok := p.Services[workerName]
	if !ok {
		return fmt.Errorf("service %q has a database but no %q service", name, workerName)
	}
	want := []string{"python", "-m", name + ".worker"}
	if !slices.Equal(worker.Command, want) {
		return fmt.Errorf("service %q runs %q, want %q", workerName, worker.Command, want)
	}
	if hc := worker.HealthCheck; hc == nil || hc.Disable || !strings.Contains(strings.Join(hc.Test, " "), "/healthz") {
		return fmt.Errorf("service %q needs a healthcheck on its probe port's /healthz", workerName)
	}
	if worker.DependsOn[name+"-migrate"].Condition != types.ServiceConditionCompletedSuccessfully {
		return fmt.Errorf("service %q must wait for %s-migrate to complete successfully", workerName, name)
	}
	// Same settings as the web process: a worker on another database or prefix
	// would relay and consume for a different deployment.
	web, ok := p.Services[name]
	if ok && !maps.EqualFunc(web.Environment, worker.Environment, equalValues) {
		return fmt.Errorf("service %q has different environment from %q", workerName, name)
	}
	return nil
}

func equalValues(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
