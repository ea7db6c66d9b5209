// Command temporal-server is Temporal's server (go.temporal.io/server, the version go.mod pins)
// started the way its own cmd/server starts it, with one addition: the "certificate-roles" claim
// mapper (certificateRoles.go), so that with mTLS and Temporal's default authorizer only the
// client certificates named in SAMVERKAN_TEMPORAL_ROLES may act. `health` checks a frontend over
// mTLS for container health checks, so the image needs no other Temporal tool.
package main

import (
	"flag"
	"fmt"
	"os"
	"path"
	"strings"

	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql" // PostgreSQL persistence
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
)

func main() {
	flags := flag.NewFlagSet("temporal-server", flag.ExitOnError)
	root := flags.String("root", ".", "root directory of the execution environment")
	configDir := flags.String("config", "config", "config directory, relative to root")
	env := flags.String("env", "production", "config environment: loads <config>/<env>.yaml")
	allowNoAuth := flags.Bool("allow-no-auth", false, "start without an authorizer (development only)")
	_ = flags.Parse(os.Args[1:])

	switch flags.Arg(0) {
	case "start":
		if err := start(path.Join(*root, *configDir), *env, *allowNoAuth); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "health":
		os.Exit(health(flags.Args()[1:]))
	default:
		fmt.Fprintln(os.Stderr, "usage: temporal-server [--root R] [--config C] [--env E] [--allow-no-auth] start | health --address A --ca F --cert F --key F [--server-name N]")
		os.Exit(2)
	}
}

func start(configDir, env string, allowNoAuth bool) error {
	cfg, err := config.LoadConfig(env, configDir, "")
	if err != nil {
		return fmt.Errorf("unable to load configuration: %w", err)
	}
	logger := log.NewZapLogger(log.BuildZapLogger(cfg.Log))

	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return fmt.Errorf("unable to instantiate authorizer: %w", err)
	}
	if authorization.IsNoopAuthorizer(authorizer) && !allowNoAuth {
		return fmt.Errorf("no authorizer configured: set global.authorization.authorizer, or pass --allow-no-auth for development")
	}
	claimMapper, err := claimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return fmt.Errorf("unable to instantiate claim mapper: %w", err)
	}
	audienceMapper, err := authorization.GetAudienceMapperFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return fmt.Errorf("unable to instantiate audience mapper: %w", err)
	}

	var dynamicConfigClient dynamicconfig.Client = dynamicconfig.NewNoopClient()
	if cfg.DynamicConfigClient != nil {
		dynamicConfigClient, err = dynamicconfig.NewFileBasedClient(cfg.DynamicConfigClient, logger, temporal.InterruptCh())
		if err != nil {
			return fmt.Errorf("unable to create dynamic config client: %w", err)
		}
	}

	// The internal frontend, when configured, is where the system workers (schedules, batch jobs)
	// reach the server with internode certificates, past the authorizer.
	services := temporal.DefaultServices
	if _, ok := cfg.Services[string(primitives.InternalFrontendService)]; ok {
		services = append(append([]string{}, services...), string(primitives.InternalFrontendService))
	}
	server, err := temporal.NewServer(
		temporal.ForServices(services),
		temporal.WithConfig(cfg),
		temporal.WithDynamicConfigClient(dynamicConfigClient),
		temporal.WithLogger(logger),
		temporal.InterruptOn(temporal.InterruptCh()),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithAudienceGetter(func(*config.Config) authorization.JWTAudienceMapper { return audienceMapper }),
	)
	if err != nil {
		return fmt.Errorf("unable to create server: %w", err)
	}
	return server.Start()
}

// claimMapperFromConfig adds "certificate-roles" to the claim mappers Temporal knows by name.
func claimMapperFromConfig(cfg *config.Authorization, logger log.Logger) (authorization.ClaimMapper, error) {
	if strings.EqualFold(cfg.ClaimMapper, certificateRolesName) {
		return newCertificateRoles(os.Getenv(rolesVariable))
	}
	return authorization.GetClaimMapperFromConfig(cfg, logger)
}
