using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.Applications;

public static class AuthMethods
{
    public const string None = "none";
    public const string ClientSecretBasic = "client_secret_basic";
    public const string ClientSecretPost = "client_secret_post";
    public const string PrivateKeyJwt = "private_key_jwt";

    public static readonly string[] All = [None, ClientSecretBasic, ClientSecretPost, PrivateKeyJwt];
}

/// <summary>An OAuth client (Okta: an app integration).</summary>
public sealed class Application
{
    public required string ClientId { get; set; }
    public required string Name { get; set; }
    /// <summary>RFC 7591 application_type plus Okta's: native, web, service, browser.</summary>
    public required string ApplicationType { get; set; }
    public required string TokenEndpointAuthMethod { get; set; }
    /// <summary>Enabled grant types, space separated.</summary>
    public required string GrantTypes { get; set; }
    /// <summary>SHA-256 of the client secret (secrets are 256-bit random, so a fast hash is enough).</summary>
    public byte[]? ClientSecretHash { get; set; }
    /// <summary>The client's public keys for private_key_jwt (a JWKS document).</summary>
    public string? Jwks { get; set; }
    public string Status { get; set; } = "ACTIVE";
    /// <summary>Okta API scopes (<c>okta.myAccount.*</c>) an admin granted to the app, space separated (<c>/api/v1/apps/{id}/grants</c>).</summary>
    public string GrantedScopes { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastUpdated { get; set; }

    public IReadOnlyList<string> GrantTypeList => GrantTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool Allows(string grantType) => GrantTypeList.Contains(grantType, StringComparer.Ordinal);

    public bool IsPublic => TokenEndpointAuthMethod == AuthMethods.None;

    public IReadOnlyList<string> GrantedScopeList => GrantedScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

internal sealed class ApplicationConfiguration : IEntityTypeConfiguration<Application>
{
    public void Configure(EntityTypeBuilder<Application> b)
    {
        b.ToTable("applications");
        b.HasKey(a => a.ClientId);
        b.Property(a => a.ClientId).HasColumnName("client_id");
        b.Property(a => a.Name).HasColumnName("name");
        b.Property(a => a.ApplicationType).HasColumnName("application_type");
        b.Property(a => a.TokenEndpointAuthMethod).HasColumnName("token_endpoint_auth_method");
        b.Property(a => a.GrantTypes).HasColumnName("grant_types");
        b.Property(a => a.ClientSecretHash).HasColumnName("client_secret_hash");
        b.Property(a => a.Jwks).HasColumnName("jwks");
        b.Property(a => a.Status).HasColumnName("status");
        b.Property(a => a.GrantedScopes).HasColumnName("granted_scopes");
        b.Property(a => a.Created).HasColumnName("created");
        b.Property(a => a.LastUpdated).HasColumnName("last_updated");
        b.Ignore(a => a.GrantTypeList);
        b.Ignore(a => a.IsPublic);
        b.Ignore(a => a.GrantedScopeList);
    }
}
