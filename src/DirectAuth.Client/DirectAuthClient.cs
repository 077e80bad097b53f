using DirectAuth.Client.Internal;
using DirectAuth.Protocol;

namespace DirectAuth.Client;

/// <summary>
/// Signs users in to a .NET app against DirectAuth or Okta's Direct Authentication API, without a browser.
/// Start a sign-in with one of the <c>SignInWith...</c> methods and follow the <see cref="SignInStep"/> it returns;
/// keep the resulting <see cref="TokenSet"/>, <see cref="RefreshAsync"/> it when the access token expires, and
/// <see cref="SignOutAsync"/> at the end. One instance serves any number of sign-ins; it is safe to share.
/// </summary>
public sealed class DirectAuthClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly MetadataCache _metadata;
    private readonly FlowEngine _engine;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    public DirectAuthClient(DirectAuthClientOptions options) : this(options, new HttpClient(), ownsHttp: true) { }

    /// <summary>Creates a client that sends its requests through the app's <paramref name="httpClient"/> (not disposed by this client).</summary>
    public DirectAuthClient(DirectAuthClientOptions options, HttpClient httpClient) : this(options, httpClient, ownsHttp: false) { }

    /// <summary>Creates a client that sends its requests through <paramref name="handler"/> (not disposed by this client).</summary>
    public DirectAuthClient(DirectAuthClientOptions options, HttpMessageHandler handler)
        : this(options, new HttpClient(handler ?? throw new ArgumentNullException(nameof(handler)), disposeHandler: false), ownsHttp: true) { }

    private DirectAuthClient(DirectAuthClientOptions options, HttpClient httpClient, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ClientId);
        Options = options;
        Issuer = CheckIssuer(options);
        _http = httpClient;
        _ownsHttp = ownsHttp;
        var wire = new WireClient(httpClient, options);
        _metadata = new MetadataCache(wire, Issuer);
        _engine = new FlowEngine(wire, _metadata, new IdTokenValidator(wire, options), options);
    }

    /// <summary>The options this client was created with.</summary>
    public DirectAuthClientOptions Options { get; }

    /// <summary>The issuer, as configured without a trailing slash; discovery must report exactly this.</summary>
    public string Issuer { get; }

    /// <summary>Reads (once) and returns the server's discovery document. Throws <see cref="DirectAuthException"/> when it cannot.</summary>
    public Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default) => _metadata.GetAsync(cancellationToken);

    /// <summary>Signs in with username and password (<c>password</c> grant). May return <see cref="MfaRequired"/>.</summary>
    public Task<SignInStep> SignInWithPasswordAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        return _engine.RunAsync(md => _engine.TokenAsync(md, GrantTypes.Password, Proof.Password, cancellationToken,
            (Parameters.Username, username), (Parameters.Password, password)), cancellationToken);
    }

    /// <summary>Signs in with username and a one-time password from the user's authenticator app (Okta's <c>otp</c> grant).</summary>
    public Task<SignInStep> SignInWithOtpAsync(string username, string otp, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(otp);
        var code = CodeNeeded.Clean(Factor.Otp, otp);
        return _engine.RunAsync(md => _engine.TokenAsync(md, GrantTypes.Otp, Proof.Code, cancellationToken,
            (Parameters.LoginHint, username), (Parameters.Otp, code)), cancellationToken);
    }

    /// <summary>
    /// Signs in with username and an out-of-band factor (<c>/primary-authenticate</c>, then Okta's <c>oob</c> grant):
    /// a push returns <see cref="Waiting"/>; SMS and voice return <see cref="CodeNeeded"/>.
    /// </summary>
    public Task<SignInStep> SignInWithOobAsync(string username, OobChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        return _engine.RunAsync(md => _engine.PrimaryAuthenticateAsync(md, username, channel, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Signs in with a passkey as the only factor (<c>/primary-authenticate</c> with <c>challenge_hint=webauthn</c>, then
    /// Okta's <c>webauthn</c> grant). Returns <see cref="PasskeyNeeded"/>: call the platform's passkey API with its options
    /// and pass the assertion to <see cref="PasskeyNeeded.SubmitAssertionAsync"/>. Without <paramref name="username"/> the
    /// challenge allows any passkey of the relying party (a discoverable-credential sign-in; the user picks one).
    /// </summary>
    public Task<SignInStep> SignInWithPasskeyAsync(string? username = null, CancellationToken cancellationToken = default)
    {
        if (username is not null) ArgumentException.ThrowIfNullOrEmpty(username);
        return _engine.RunAsync(md => _engine.PasskeyChallengeAsync(md, username, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Exchanges the refresh token for new tokens. The server rotates refresh tokens: use the returned set from now
    /// on (presenting the old refresh token again revokes the whole family). Throws <see cref="DirectAuthException"/>
    /// (<see cref="DirectAuthErrorKind.InvalidGrant"/> when the refresh token is no longer good: sign in again).
    /// </summary>
    public async Task<TokenSet> RefreshAsync(TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.RefreshToken is null)
            throw new InvalidOperationException("This token set has no refresh token: ask for the offline_access scope.");
        var md = await _metadata.GetAsync(cancellationToken).ConfigureAwait(false);
        var response = await _engine.PostAsync(md.TokenEndpoint,
        [
            new(Parameters.GrantType, GrantTypes.RefreshToken),
            new(Parameters.RefreshToken, tokens.RefreshToken),
        ], cancellationToken).ConfigureAwait(false);
        var (refreshed, error) = await _engine.ReadTokensAsync(md, response, Proof.RefreshToken, tokens.RefreshToken, cancellationToken).ConfigureAwait(false);
        return refreshed ?? throw new DirectAuthException(error!);
    }

    /// <summary>Revokes one token (RFC 7009). Revoking a refresh token revokes every token rotated from the same sign-in.</summary>
    /// <param name="token">The access or refresh token.</param>
    /// <param name="tokenTypeHint"><c>access_token</c> or <c>refresh_token</c>, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task RevokeAsync(string token, string? tokenTypeHint = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var md = await _metadata.GetAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = md.RevocationEndpoint ?? throw new DirectAuthException(
            ErrorMapper.Malformed("The server's discovery document has no revocation_endpoint."));
        var form = new List<KeyValuePair<string, string>> { new(Parameters.Token, token) };
        if (tokenTypeHint is not null) form.Add(new(Parameters.TokenTypeHint, tokenTypeHint));
        var response = await _engine.PostAsync(endpoint, form, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200) throw new DirectAuthException(ErrorMapper.FromResponse(response, Proof.Other));
    }

    /// <summary>
    /// Signs out: revokes the refresh token (and with it the whole token family) and the access token. Both are
    /// attempted; the first failure is thrown afterwards.
    /// </summary>
    public async Task SignOutAsync(TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        DirectAuthException? first = null;
        foreach (var (token, hint) in new[] { (tokens.RefreshToken, "refresh_token"), (tokens.AccessToken, "access_token") })
        {
            if (token is null) continue;
            try { await RevokeAsync(token, hint, cancellationToken).ConfigureAwait(false); }
            catch (DirectAuthException ex) { first ??= ex; }
        }
        if (first is not null) throw first;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private static string CheckIssuer(DirectAuthClientOptions options)
    {
        var issuer = options.Issuer ?? throw new ArgumentException("An issuer is required.", nameof(options));
        if (!issuer.IsAbsoluteUri || (issuer.Scheme != Uri.UriSchemeHttps && issuer.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"The issuer '{issuer}' must be an absolute http(s) URL.", nameof(options));
        if (issuer.Query.Length > 0 || issuer.Fragment.Length > 0)
            throw new ArgumentException($"The issuer '{issuer}' must not have a query or fragment.", nameof(options));
        if (options.RequireHttps && issuer.Scheme != Uri.UriSchemeHttps && !issuer.IsLoopback)
            throw new ArgumentException($"The issuer '{issuer}' must use https (only loopback addresses may use http).", nameof(options));
        return issuer.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }
}
