package main

import (
	"fmt"
	"strings"

	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/primitives"
)

const (
	certificateRolesName = "certificate-roles"
	rolesVariable        = "SAMVERKAN_TEMPORAL_ROLES"
)

// certificateRoles gives Temporal roles to the common name of a client certificate that the
// frontend verified against its client CA (global.tls.frontend.server.clientCaFiles). A caller
// without such a certificate, or with a name not listed, gets no role: the default authorizer
// then refuses everything but the health check.
type certificateRoles struct {
	byCommonName map[string]*authorization.Claims
}

var _ authorization.ClaimMapper = (*certificateRoles)(nil)

// newCertificateRoles reads "name=namespace:role,…", e.g.
// "samverkan-worker=default:writer,samverkan-api=default:writer,temporal-ui=temporal-system:reader".
// Roles are reader, writer and admin; the namespace temporal-system stands for the whole cluster
// (as in Temporal's own JWT permissions); a name may be listed more than once.
func newCertificateRoles(spec string) (*certificateRoles, error) {
	roles := map[string]authorization.Role{"reader": authorization.RoleReader, "writer": authorization.RoleWriter, "admin": authorization.RoleAdmin}
	mapper := &certificateRoles{byCommonName: map[string]*authorization.Claims{}}
	for _, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, grant, ok := strings.Cut(entry, "=")
		namespace, roleName, ok2 := strings.Cut(grant, ":")
		role, known := roles[roleName]
		if !ok || !ok2 || name == "" || namespace == "" || !known {
			return nil, fmt.Errorf("%s: %q is not name=namespace:reader|writer|admin", rolesVariable, entry)
		}
		claims := mapper.byCommonName[name]
		if claims == nil {
			claims = &authorization.Claims{Subject: name, Namespaces: map[string]authorization.Role{}}
			mapper.byCommonName[name] = claims
		}
		if namespace == primitives.SystemLocalNamespace {
			claims.System |= role
		} else {
			claims.Namespaces[namespace] |= role
		}
	}
	if len(mapper.byCommonName) == 0 {
		return nil, fmt.Errorf("%s names no certificate: with it empty, no client could act", rolesVariable)
	}
	return mapper, nil
}

func (m *certificateRoles) GetClaims(info *authorization.AuthInfo) (*authorization.Claims, error) {
	if info.TLSSubject == nil {
		return &authorization.Claims{}, nil
	}
	claims, ok := m.byCommonName[info.TLSSubject.CommonName]
	if !ok {
		return &authorization.Claims{Subject: info.TLSSubject.CommonName}, nil
	}
	// A copy, so that nothing downstream can change the table.
	namespaces := make(map[string]authorization.Role, len(claims.Namespaces))
	for ns, role := range claims.Namespaces {
		namespaces[ns] = role
	}
	return &authorization.Claims{Subject: claims.Subject, System: claims.System, Namespaces: namespaces}, nil
}
