using Microsoft.OpenApi;

namespace DirectAuth.Server.Management;

/// <summary>
/// The OpenAPI document of the management API at <c>/openapi/v1.json</c> (no token needed to read it):
/// the <c>/api/v1</c> endpoints and client registration at <c>/oauth2/v1/clients</c>, with the
/// <c>Authorization: SSWS {token}</c> scheme. The OAuth endpoints are specified by PROTOCOL.md and the RFCs.
/// </summary>
public static class ManagementOpenApi
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddManagementOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => IsManagementPath(description.RelativePath);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "DirectAuth management API",
                    Version = "v1",
                    Description = "Okta-shaped management API: users, OAuth clients (RFC 7591/7592), authorization servers, "
                        + "scopes, signing keys and the system log. Every request needs 'Authorization: SSWS {admin token}'.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["SSWS"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "Authorization",
                    Description = "The admin API token, sent as 'SSWS {token}' (DIRECTAUTH_ADMIN_TOKEN).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("SSWS", document)] = [] });
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer((document, _, _) =>
            {
                var used = new List<string>();
                foreach (var (path, item) in document.Paths)
                {
                    var tag = TagOf(path.TrimStart('/')) ?? "Other";
                    if (!used.Contains(tag)) used.Add(tag);
                    foreach (var operation in (IEnumerable<OpenApiOperation>?)item.Operations?.Values ?? [])
                        operation.Tags = new HashSet<OpenApiTagReference> { new(tag, document) };
                }
                document.Tags = new HashSet<OpenApiTag>(TagOrder.Where(used.Contains).Select(t => new OpenApiTag { Name = t }));
                return Task.CompletedTask;
            });
        });

    /// <summary>Groups operations by what they act on (the path), so the reference reads as Okta's does.</summary>
    private static readonly (string Prefix, string Tag)[] Tags =
    [
        ("api/v1/users/{userId}/factors", "Factors"),
        ("api/v1/users/{userId}/recovery-codes", "Factors"),
        ("api/v1/users/{userId}/groups", "Groups"),
        ("api/v1/users", "Users"),
        ("api/v1/groups", "Groups"),
        ("api/v1/policies", "Policies"),
        ("api/v1/apps/{clientId}/polic", "Policies"),
        ("api/v1/apps", "Apps (OAuth clients)"),
        ("oauth2/v1/clients", "Apps (OAuth clients)"),
        ("api/v1/authorizationServers", "Authorization servers"),
        ("api/v1/authenticators/push", "Push devices (called by the authenticator app)"),
        ("api/v1/logs", "System log"),
        ("api/v1/outbox", "Outbox"),
    ];

    private static readonly string[] TagOrder =
    [
        "Users", "Groups", "Factors", "Policies", "Apps (OAuth clients)", "Authorization servers", "System log", "Outbox",
        "Push devices (called by the authenticator app)", "Other",
    ];

    private static string? TagOf(string? relativePath) =>
        relativePath is null ? null : Tags.FirstOrDefault(t => relativePath.StartsWith(t.Prefix, StringComparison.Ordinal)).Tag;

    public static void MapManagementOpenApi(this IEndpointRouteBuilder app) => app.MapOpenApi("/openapi/{documentName}.json");

    /// <summary>
    /// Documents the JSON body an endpoint reads itself (with <c>JsonBody</c>, so malformed JSON gets Okta's
    /// E0000003). Not <c>Accepts&lt;T&gt;</c>: that would also make routing refuse other content types before
    /// the admin token is checked.
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>Documents query parameters an endpoint reads from the query string itself.</summary>
    public static TBuilder WithQueryParameters<TBuilder>(this TBuilder builder, params (string Name, string Description)[] parameters)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, description) in parameters)
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Query, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            return Task.CompletedTask;
        });

    private static bool IsManagementPath(string? relativePath) =>
        relativePath is not null && (relativePath.StartsWith("api/v1/", StringComparison.Ordinal) || relativePath == "api/v1"
            || relativePath.StartsWith("oauth2/v1/clients", StringComparison.Ordinal));
}
