using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Management;

/// <summary>
/// Guards the management API: <c>Authorization: SSWS {token}</c>, compared in constant time with the
/// configured admin token. With no token configured every request is refused. A request without an
/// <c>Authorization</c> header may instead carry an administrator's session (<see cref="IAdminSessionSource"/>,
/// the admin console): then that person is the actor of the events it writes (<see cref="AdminActor"/>).
/// </summary>
public sealed class AdminAuthentication(IOptions<DirectAuthOptions> options, IOptions<SystemLogOptions> log) : IEndpointFilter
{
    private readonly byte[]? _tokenHash = string.IsNullOrEmpty(options.Value.Admin.Token) ? null : Secrets.Hash(options.Value.Admin.Token);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (header.StartsWith("SSWS ", StringComparison.OrdinalIgnoreCase) && Secrets.Matches(header[5..].Trim(), _tokenHash))
            return await next(context);
        if (header.Length == 0)
        {
            foreach (var source in context.HttpContext.RequestServices.GetServices<IAdminSessionSource>())
            {
                if (await source.ResolveAsync(context.HttpContext, context.HttpContext.RequestAborted) is not { } person) continue;
                context.HttpContext.Features.Set(person);
                return await next(context);
            }
        }

        // Summarised per source and interval (RefusalSummaries): a flood of wrong tokens does not write an event per request.
        await context.HttpContext.RequestServices.GetRequiredService<RefusalSummaries>().RecordAsync(
            new Refusal(EventTypes.AdminAuthFailed, header.Length == 0 ? "MISSING_TOKEN" : "INVALID_TOKEN",
                "Management API request with a missing or invalid API token", TimeSpan.FromSeconds(log.Value.AdminAuthFailureIntervalSeconds))
            {
                Details = new Dictionary<string, string> { ["path"] = context.HttpContext.Request.Path.ToString() },
            });
        context.HttpContext.Response.Headers.WWWAuthenticate = "SSWS";
        return new OktaErrorResult(401, OktaErrors.Create("E0000011", "Invalid token provided"));
    }
}
