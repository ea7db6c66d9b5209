package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// health asks a frontend for its gRPC health over mTLS; exit code 0 when it is serving.
func health(args []string) int {
	flags := flag.NewFlagSet("health", flag.ExitOnError)
	address := flags.String("address", "127.0.0.1:7233", "frontend host:port")
	caFile := flags.String("ca", "", "CA that signed the frontend's certificate")
	certFile := flags.String("cert", "", "client certificate")
	keyFile := flags.String("key", "", "client key")
	serverName := flags.String("server-name", "", "name to verify in the frontend's certificate")
	_ = flags.Parse(args)

	pair, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		return 1
	}
	caPEM, err := os.ReadFile(*caFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		return 1
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		fmt.Fprintln(os.Stderr, "health: no certificate in", *caFile)
		return 1
	}
	creds := credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, ServerName: *serverName, MinVersion: tls.VersionTLS12})
	conn, err := grpc.NewClient(*address, grpc.WithTransportCredentials(creds))
	if err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		return 1
	}
	defer func() { _ = conn.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "temporal.api.workflowservice.v1.WorkflowService"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "health:", err)
		return 1
	}
	fmt.Println(res.GetStatus())
	if res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return 1
	}
	return 0
}
