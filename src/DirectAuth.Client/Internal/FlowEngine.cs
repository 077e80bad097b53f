using DirectAuth.Protocol;

namespace DirectAuth.Client.Internal;

/// <summary>
/// The requests behind every sign-in step, and the mapping of each answer to the next step. Protocol failures
/// become <see cref="SignInFailed"/>; only cancellation escapes as an exception.
/// </summary>
internal sealed class FlowEngine(WireClient wire, MetadataCache metadata, IdTokenValidator validator, DirectAuthClientOptions options)
{
    private static readonly (Factor Factor, string Grant)[] SecondFactorGrants =
    [
        (Factor.Otp, GrantTypes.MfaOtp), (Factor.Push, GrantTypes.MfaOob), (Factor.Sms, GrantTypes.MfaOob),
        (Factor.Voice, GrantTypes.MfaOob), (Factor.RecoveryCode, GrantTypes.MfaRecoveryCode), (Factor.Passkey, GrantTypes.MfaWebauthn),
    ];

    public TimeProvider Clock => options.TimeProvider;

    public IReadOnlyList<Factor> SecondFactors(ServerMetadata md) =>
        SecondFactorGrants.Where(f => options.SecondFactors.Contains(f.Factor) && md.Supports(f.Grant)).Select(f => f.Factor).ToList();

    /// <summary>Runs a step with the discovery document at hand; a failure anywhere becomes <see cref="SignInFailed"/>.</summary>
    public async Task<SignInStep> RunAsync(Func<ServerMetadata, Task<SignInStep>> step, CancellationToken ct)
    {
        try
        {
            var md = await metadata.GetAsync(ct).ConfigureAwait(false);
            return await step(md).ConfigureAwait(false);
        }
        catch (DirectAuthException ex)
        {
            return new SignInFailed(ex.Error);
        }
    }

    public Task<SignInStep> TokenAsync(ServerMetadata md, string grantType, Proof proof, CancellationToken ct, params (string, string)[] parameters) =>
        Guard(async () => await ToStepAsync(md, await PostTokenAsync(md, grantType, parameters, ct).ConfigureAwait(false), proof, ct).ConfigureAwait(false));

    public Task<SignInStep> VerifyMfaOtpAsync(ServerMetadata md, string mfaToken, string otp, CancellationToken ct) =>
        TokenAsync(md, GrantTypes.MfaOtp, Proof.Code, ct, (Parameters.MfaToken, mfaToken), (Parameters.Otp, otp));

    public Task<SignInStep> VerifyRecoveryCodeAsync(ServerMetadata md, string mfaToken, string code, CancellationToken ct) =>
        TokenAsync(md, GrantTypes.MfaRecoveryCode, Proof.Code, ct, (Parameters.MfaToken, mfaToken), (Parameters.RecoveryCode, code));

    /// <summary><c>/challenge</c> for an out-of-band second factor.</summary>
    public Task<SignInStep> ChallengeAsync(ServerMetadata md, string mfaToken, Factor factor, CancellationToken ct) => Guard(async () =>
    {
        var response = await wire.PostFormAsync(md.ChallengeEndpoint,
        [
            new(Parameters.MfaToken, mfaToken),
            new(Parameters.ChallengeTypesSupported, GrantTypes.MfaOob),
            new(Parameters.ChannelHint, ChannelOf(factor)),
        ], ct).ConfigureAwait(false);
        if (response.Status != 200) return new SignInFailed(ErrorMapper.FromResponse(response, Proof.Other));
        // The server may answer with OTP instead (section 4's first answer): then the user types a code.
        if (response.String("challenge_type") == GrantTypes.MfaOtp)
            return new CodeNeeded(Factor.Otp, null, (code, token) => VerifyMfaOtpAsync(md, mfaToken, code, token));
        return StepFor(md, OobTransaction.Read(response, mfaToken, factor, Clock.GetUtcNow()), "/challenge");
    });

    /// <summary><c>/primary-authenticate</c>: an out-of-band factor as the first (or only) factor.</summary>
    public Task<SignInStep> PrimaryAuthenticateAsync(ServerMetadata md, string username, OobChannel channel, CancellationToken ct) => Guard(async () =>
    {
        var factor = channel switch { OobChannel.Sms => Factor.Sms, OobChannel.Voice => Factor.Voice, _ => Factor.Push };
        var response = await wire.PostFormAsync(md.PrimaryAuthenticateEndpoint,
        [
            new(Parameters.LoginHint, username),
            new(Parameters.ChannelHint, ChannelOf(factor)),
            new(Parameters.ChallengeHint, GrantTypes.Oob),
        ], ct).ConfigureAwait(false);
        if (response.Status != 200) return new SignInFailed(ErrorMapper.FromResponse(response, Proof.Other));
        return StepFor(md, OobTransaction.Read(response, null, factor, Clock.GetUtcNow()), "/primary-authenticate");
    });

    /// <summary><c>/primary-authenticate</c> with <c>challenge_hint=webauthn</c>: a passkey as the only factor (no username: discoverable).</summary>
    public Task<SignInStep> PasskeyChallengeAsync(ServerMetadata md, string? username, CancellationToken ct) => Guard(async () =>
    {
        var form = new List<KeyValuePair<string, string>> { new(Parameters.ChallengeHint, GrantTypes.Webauthn) };
        if (username is not null) form.Add(new(Parameters.LoginHint, username));
        var response = await wire.PostFormAsync(md.PrimaryAuthenticateEndpoint, form, ct).ConfigureAwait(false);
        return PasskeyStep(md, response, null);
    });

    /// <summary>
    /// A passkey as the second factor: <c>/challenge</c> with <c>challenge_types_supported=mfa-webauthn</c> (as Okta's
    /// Kotlin SDK asks); a server that does not take passkeys there (400 <c>unsupported_challenge_type</c>) is asked
    /// the way Okta's Swift SDK asks: <c>/primary-authenticate</c> with <c>mfa_token</c> and <c>challenge_hint=webauthn</c>.
    /// </summary>
    public Task<SignInStep> PasskeyMfaChallengeAsync(ServerMetadata md, string mfaToken, CancellationToken ct) => Guard(async () =>
    {
        var response = await wire.PostFormAsync(md.ChallengeEndpoint,
        [
            new(Parameters.MfaToken, mfaToken),
            new(Parameters.ChallengeTypesSupported, GrantTypes.MfaWebauthn),
        ], ct).ConfigureAwait(false);
        if (response.Status == 400 && response.String("error") == Errors.UnsupportedChallengeType)
            response = await wire.PostFormAsync(md.PrimaryAuthenticateEndpoint,
            [
                new(Parameters.MfaToken, mfaToken),
                new(Parameters.ChallengeHint, GrantTypes.Webauthn),
            ], ct).ConfigureAwait(false);
        return PasskeyStep(md, response, mfaToken);
    });

    private SignInStep PasskeyStep(ServerMetadata md, WireResponse response, string? mfaToken)
    {
        if (response.Status != 200) return new SignInFailed(ErrorMapper.FromResponse(response, Proof.Other));
        var (request, problem) = PasskeyRequest.Read(response, Clock.GetUtcNow());
        if (request is null) return new SignInFailed(ErrorMapper.Malformed(problem!));
        return new PasskeyNeeded(request, mfaToken is not null, (assertion, ct) => SubmitAssertionAsync(md, mfaToken, assertion, ct));
    }

    private Task<SignInStep> SubmitAssertionAsync(ServerMetadata md, string? mfaToken, PasskeyAssertion assertion, CancellationToken ct)
    {
        var fields = new List<(string, string)>
        {
            (Parameters.ClientDataJson, PasskeyAssertion.Encode(assertion.ClientDataJson)),
            (Parameters.AuthenticatorData, PasskeyAssertion.Encode(assertion.AuthenticatorData)),
            (Parameters.Signature, PasskeyAssertion.Encode(assertion.Signature)),
        };
        if (assertion.UserHandle is { Length: > 0 } handle) fields.Add((Parameters.UserHandle, PasskeyAssertion.Encode(handle)));
        if (mfaToken is not null) fields.Add((Parameters.MfaToken, mfaToken));
        return TokenAsync(md, mfaToken is null ? GrantTypes.Webauthn : GrantTypes.MfaWebauthn, Proof.Passkey, ct, [.. fields]);
    }

    /// <summary>One poll of an out-of-band transaction: the next step, or null while the user has not answered.</summary>
    public async Task<(SignInStep? Next, bool SlowDown)> PollAsync(OobTransaction tx, CancellationToken ct)
    {
        try
        {
            var md = await metadata.GetAsync(ct).ConfigureAwait(false);
            var response = await PostTokenAsync(md, tx.GrantType, OobParameters(tx, null), ct).ConfigureAwait(false);
            return response.String("error") switch
            {
                Errors.AuthorizationPending when response.Status == 400 => (null, false),
                Errors.SlowDown when response.Status == 400 => (null, true),
                _ => (await ToStepAsync(md, response, Proof.Code, ct).ConfigureAwait(false), false),
            };
        }
        catch (DirectAuthException ex)
        {
            return (new SignInFailed(ex.Error), false);
        }
    }

    /// <summary>Reads a token answer: tokens with a validated id_token, or the failure.</summary>
    public async Task<(TokenSet? Tokens, DirectAuthError? Error)> ReadTokensAsync(
        ServerMetadata md, WireResponse response, Proof proof, string? previousRefreshToken, CancellationToken ct)
    {
        if (response.Status != 200) return (null, ErrorMapper.FromResponse(response, proof));
        var accessToken = response.String("access_token");
        if (string.IsNullOrEmpty(accessToken)) return (null, ErrorMapper.Malformed("The token response has no access_token."));
        var idToken = response.String("id_token");
        System.Security.Claims.ClaimsIdentity? identity = null;
        if (!string.IsNullOrEmpty(idToken))
        {
            (identity, var problem) = await validator.ValidateAsync(md, idToken, accessToken, ct).ConfigureAwait(false);
            if (problem is not null) return (null, new DirectAuthError(DirectAuthErrorKind.InvalidIdToken, null, problem));
        }
        var expiresIn = response.Integer("expires_in");
        return (new TokenSet(accessToken, response.String("token_type") ?? "Bearer",
            expiresIn is { } s ? Clock.GetUtcNow().AddSeconds(s) : null, response.String("scope"),
            response.String("refresh_token") ?? previousRefreshToken, string.IsNullOrEmpty(idToken) ? null : idToken, identity), null);
    }

    public Task<WireResponse> PostAsync(Uri endpoint, IEnumerable<KeyValuePair<string, string>> form, CancellationToken ct) =>
        wire.PostFormAsync(endpoint, form, ct);

    private async Task<SignInStep> ToStepAsync(ServerMetadata md, WireResponse response, Proof proof, CancellationToken ct)
    {
        if (response.Status == 403 && response.String("error") == Errors.MfaRequired)
        {
            var mfaToken = response.String(Parameters.MfaToken);
            return string.IsNullOrEmpty(mfaToken)
                ? new SignInFailed(ErrorMapper.Malformed("The server answered mfa_required without an mfa_token."))
                : new MfaRequired(this, md, mfaToken);
        }
        var (tokens, error) = await ReadTokensAsync(md, response, proof, null, ct).ConfigureAwait(false);
        return tokens is not null ? new SignInSuccess(tokens) : new SignInFailed(error!);
    }

    private SignInStep StepFor(ServerMetadata md, OobTransaction? tx, string endpoint)
    {
        if (tx is null) return new SignInFailed(ErrorMapper.Malformed($"The {endpoint} answer has no oob_code."));
        if (tx.BindingMethod == BindingMethods.Prompt)
            return new CodeNeeded(tx.Factor, tx.ExpiresAt, (code, ct) => SubmitBindingCodeAsync(md, tx, code, ct)) { Destination = tx.Destination };
        return new Waiting(this, tx);
    }

    private Task<SignInStep> SubmitBindingCodeAsync(ServerMetadata md, OobTransaction tx, string code, CancellationToken ct) => Guard(async () =>
    {
        var response = await PostTokenAsync(md, tx.GrantType, OobParameters(tx, code), ct).ConfigureAwait(false);
        // A server that verifies the code asynchronously answers authorization_pending: keep polling.
        if (response.Status == 400 && response.String("error") is Errors.AuthorizationPending or Errors.SlowDown)
            return new Waiting(this, tx);
        return await ToStepAsync(md, response, Proof.Code, ct).ConfigureAwait(false);
    });

    private static (string, string)[] OobParameters(OobTransaction tx, string? bindingCode)
    {
        var list = new List<(string, string)> { (Parameters.OobCode, tx.OobCode) };
        if (tx.MfaToken is not null) list.Add((Parameters.MfaToken, tx.MfaToken));
        if (bindingCode is not null) list.Add((Parameters.BindingCode, bindingCode));
        return [.. list];
    }

    private Task<WireResponse> PostTokenAsync(ServerMetadata md, string grantType, (string, string)[] parameters, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>> { new(Parameters.GrantType, grantType) };
        form.AddRange(parameters.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));
        form.Add(new(Parameters.Scope, options.Scope));
        form.Add(new(Parameters.GrantTypesSupported, GrantTypesSupported(md, grantType)));
        if (options.AcrValues is not null) form.Add(new(Parameters.AcrValues, options.AcrValues));
        if (options.MaxAge is { } maxAge) form.Add(new(Parameters.MaxAge, maxAge.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return wire.PostFormAsync(md.TokenEndpoint, form, ct);
    }

    // The grant in use and every second-factor grant this app can continue with, so that the server refuses up
    // front a policy the app cannot satisfy instead of handing out an mfa_token it cannot use.
    private string GrantTypesSupported(ServerMetadata md, string grantType) =>
        string.Join(' ', new[] { grantType }.Concat(SecondFactorGrants
            .Where(f => options.SecondFactors.Contains(f.Factor) && md.Supports(f.Grant)).Select(f => f.Grant)).Distinct());

    private static string ChannelOf(Factor factor) => factor switch
    {
        Factor.Sms => Channels.Sms,
        Factor.Voice => Channels.Voice,
        _ => Channels.Push,
    };

    private static async Task<SignInStep> Guard(Func<Task<SignInStep>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (DirectAuthException ex)
        {
            return new SignInFailed(ex.Error);
        }
    }
}
