namespace DirectAuth.Client.Internal;

/// <summary>Reads the discovery document once (again after a failure) and checks it belongs to the configured issuer.</summary>
internal sealed class MetadataCache(WireClient wire, string issuer)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServerMetadata? _metadata;

    public async Task<ServerMetadata> GetAsync(CancellationToken ct)
    {
        if (_metadata is { } known) return known;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return _metadata ??= await LoadAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ServerMetadata> LoadAsync(CancellationToken ct)
    {
        var url = new Uri(issuer + "/.well-known/openid-configuration");
        var response = await wire.GetAsync(url, ct).ConfigureAwait(false);
        if (response.Status != 200)
        {
            var error = ErrorMapper.FromResponse(response, Proof.Other);
            throw new DirectAuthException(error with { Description = $"Discovery at {url} failed with HTTP {response.Status}: {error.Description}" });
        }
        if (!response.IsJsonObject) throw Malformed($"The discovery document at {url} is not a JSON object.");

        // OpenID Connect Discovery 1.0 section 4.3: the document must be for the issuer we asked about.
        var documentIssuer = response.String("issuer");
        if (documentIssuer != issuer)
            throw Malformed($"The discovery document at {url} is for issuer '{documentIssuer}', not '{issuer}'.");
        var token = Endpoint(response, "token_endpoint", url) ?? throw Malformed($"The discovery document at {url} has no valid token_endpoint.");
        var jwks = Endpoint(response, "jwks_uri", url) ?? throw Malformed($"The discovery document at {url} has no valid jwks_uri.");
        return new ServerMetadata(issuer, token, jwks,
            Endpoint(response, "revocation_endpoint", url), Endpoint(response, "userinfo_endpoint", url),
            response.Strings("grant_types_supported"));
    }

    private static Uri? Endpoint(WireResponse response, string name, Uri discovery) =>
        Uri.TryCreate(response.String(name), UriKind.Absolute, out var uri) && (uri.Scheme == discovery.Scheme || uri.Scheme == Uri.UriSchemeHttps)
            ? uri : null;

    private static DirectAuthException Malformed(string what) => new(ErrorMapper.Malformed(what));
}
