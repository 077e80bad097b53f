using DirectAuth.Client;

namespace ConsoleSignIn;

/// <summary>After sign-in: calling APIs, refreshing, signing out, and telling failures apart.</summary>
public static class TokenExamples
{
    // <snippet:refresh-signout>
    public static async Task<TokenSet> UseRefreshAndSignOutAsync(DirectAuthClient client, TokenSet tokens, HttpClient api, CancellationToken ct)
    {
        if (tokens.ExpiresAt is { } expires && expires < DateTimeOffset.UtcNow.AddMinutes(1))
            tokens = await client.RefreshAsync(tokens, ct);   // rotated: keep the new set, forget the old one

        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/me");
        request.Headers.Authorization = new("Bearer", tokens.AccessToken);
        using var response = await api.SendAsync(request, ct);

        await client.SignOutAsync(tokens, ct);   // revokes the refresh token (its whole family) and the access token
        return tokens;
    }
    // </snippet:refresh-signout>

    // <snippet:errors>
    public static string Explain(SignInFailed failed) => failed.Kind switch
    {
        DirectAuthErrorKind.InvalidCredentials => "Wrong username or password.",
        DirectAuthErrorKind.InvalidCode => "That code is not right. Try again.",        // the CodeNeeded step can be reused
        DirectAuthErrorKind.Denied when failed.Error.WrongNumber => "You tapped a different number than the one shown. Try again.",
        DirectAuthErrorKind.Denied => "The sign-in was denied on your phone.",
        DirectAuthErrorKind.Expired => "That took too long. Please start again.",       // 403 access_denied, or expires_in passed
        DirectAuthErrorKind.FactorUnavailable => "That method is not set up for you. Choose another.",
        DirectAuthErrorKind.RateLimited => $"Too many attempts. Try again after {failed.Error.RetryAfter:t}.",
        DirectAuthErrorKind.Network => "The sign-in service cannot be reached.",
        DirectAuthErrorKind.ServerError => $"The sign-in service failed (error id {failed.Error.ErrorId}).",
        _ => $"Sign-in is not possible right now ({failed.Error.Code}: {failed.Error.Description}).",
    };
    // </snippet:errors>

    // <snippet:refresh-errors>
    public static async Task<TokenSet?> TryRefreshAsync(DirectAuthClient client, TokenSet tokens, CancellationToken ct)
    {
        try
        {
            return await client.RefreshAsync(tokens, ct);
        }
        catch (DirectAuthException ex) when (ex.Error.Kind == DirectAuthErrorKind.InvalidGrant)
        {
            return null;   // expired, revoked or already used: sign in again
        }
    }
    // </snippet:refresh-errors>

    // <snippet:timeout>
    public static async Task<SignInStep> WaitAtMostAsync(Waiting push, TimeSpan patience, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(patience);
        try
        {
            return await push.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return push;   // still waiting: the app may offer another factor, or call WaitAsync again
        }
    }
    // </snippet:timeout>
}
