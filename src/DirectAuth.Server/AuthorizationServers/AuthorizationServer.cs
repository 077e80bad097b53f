using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DirectAuth.Server.AuthorizationServers;

/// <summary>An authorization server: the org server (<c>/oauth2</c>) or a custom one (<c>/oauth2/{id}</c>).</summary>
public sealed class AuthorizationServer
{
    /// <summary>The id of the org authorization server, whose endpoints live at <c>/oauth2/v1</c>.</summary>
    public const string OrgId = "org";
    public const string DefaultId = "default";

    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>The <c>aud</c> of its access tokens (e.g. <c>api://default</c>); empty for the org server, whose audience is the issuer.</summary>
    public string? Audience { get; set; }
    /// <summary>RS256 (default, what every client accepts) or ES256.</summary>
    public string SigningAlg { get; set; } = "RS256";
    /// <summary>Custom scopes beyond the OIDC ones, space separated.</summary>
    public string CustomScopes { get; set; } = "";
    public string Status { get; set; } = "ACTIVE";
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastUpdated { get; set; }

    public bool IsOrg => Id == OrgId;

    /// <summary>Path of this server's base below the origin: <c>/oauth2</c> or <c>/oauth2/{id}</c>.</summary>
    public string BasePath => IsOrg ? "/oauth2" : "/oauth2/" + Id;

    /// <summary>The issuer: the origin for the org server (as Okta), the origin plus base path otherwise.</summary>
    public string IssuerFor(string origin) => IsOrg ? origin : origin + BasePath;
}

internal sealed class AuthorizationServerConfiguration : IEntityTypeConfiguration<AuthorizationServer>
{
    public void Configure(EntityTypeBuilder<AuthorizationServer> b)
    {
        b.ToTable("authorization_servers");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasColumnName("id");
        b.Property(s => s.Name).HasColumnName("name");
        b.Property(s => s.Description).HasColumnName("description");
        b.Property(s => s.Audience).HasColumnName("audience");
        b.Property(s => s.SigningAlg).HasColumnName("signing_alg");
        b.Property(s => s.CustomScopes).HasColumnName("custom_scopes");
        b.Property(s => s.Status).HasColumnName("status");
        b.Property(s => s.Created).HasColumnName("created");
        b.Property(s => s.LastUpdated).HasColumnName("last_updated");
        b.Ignore(s => s.IsOrg);
        b.Ignore(s => s.BasePath);
    }
}
