using System.Text;
using System.Text.Json.Nodes;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Mfa;

namespace DirectAuth.Server.Tests.Fuzz;

/// <summary>One request to send: everything an HttpClient can put on the wire.</summary>
public sealed record FuzzRequest(string Method, string Path, List<(string Name, string Value)> Headers, byte[]? Body, string? ContentType)
{
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
        return $"{Method} {Path} [{string.Join("; ", Headers.Select(h => $"{h.Name}: {h.Value}"))}] ({ContentType}) {WireRules.Short(body)}";
    }
}

/// <summary>
/// Builds a valid request to one endpoint from the fixture's real values, then mutates it: parameters dropped,
/// doubled, renamed or given hostile values; JSON values of the wrong type, nested deep, cut short; odd
/// content types, credentials, paths, methods and query strings. Everything comes from the given
/// <see cref="Random"/>, so a seed and an index give the same request again.
/// </summary>
public sealed class RequestMutator(IReadOnlyDictionary<string, string> values, IReadOnlyList<string> deviceJws)
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string Json = "application/json";

    private string V(string name) => values.TryGetValue(name, out var v) ? v : name;

    public FuzzRequest Next(Random random)
    {
        var request = Seed(random);
        var mutations = random.Next(0, 4);
        for (var i = 0; i < mutations; i++) request = Mutate(random, request);
        return request;
    }

    // ---------- valid requests, one kind per endpoint (and per grant at /token) ----------

    private FuzzRequest Seed(Random r)
    {
        var oauth = Pick(r, ["/oauth2/default", "/oauth2", "/oauth2/default", "/oauth2/aus" + Junk(r, 8)]);
        return r.Next(38) switch
        {
            0 => FormPost($"{oauth}/v1/token", ("grant_type", "password"), ("client_id", V("client")), ("username", V("plainLogin")), ("password", "correct horse battery staple"), ("scope", "openid profile offline_access")),
            1 => FormPost($"{oauth}/v1/token", ("grant_type", "refresh_token"), ("client_id", V("client")), ("refresh_token", V("refresh")), ("scope", "openid")),
            2 => FormPost($"{oauth}/v1/token", ("grant_type", MfaSteps.Otp), ("client_id", V("client")), ("login_hint", V("totpLogin")), ("otp", V("otp")), ("scope", "openid")),
            3 => FormPost($"{oauth}/v1/token", ("grant_type", GrantTypes.Oob), ("client_id", V("client")), ("oob_code", V("oobCode")), ("scope", "openid"), ("binding_code", "42")),
            4 => FormPost($"{oauth}/v1/token", ("grant_type", MfaSteps.MfaOtp), ("client_id", V("client")), ("mfa_token", V("mfaToken")), ("otp", V("otp"))),
            5 => FormPost($"{oauth}/v1/token", ("grant_type", MfaSteps.MfaOob), ("client_id", V("client")), ("mfa_token", V("mfaToken")), ("oob_code", V("oobCode")), ("binding_code", "12")),
            6 => FormPost($"{oauth}/v1/token", ("grant_type", MfaSteps.MfaRecoveryCode), ("client_id", V("client")), ("mfa_token", V("mfaToken")), ("recovery_code", V("recoveryCode"))),
            7 => WithBasic(FormPost($"{oauth}/v1/token", ("grant_type", "client_credentials"), ("scope", "openid")), V("secretClient"), V("secret")),
            8 => FormPost($"{oauth}/v1/token", ("grant_type", "client_credentials"), ("client_id", V("secretClient")), ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", FakeJwt(r))),
            9 => FormPost($"{oauth}/v1/challenge", ("client_id", V("client")), ("mfa_token", V("mfaToken")), ("challenge_types_supported", $"{MfaSteps.MfaOtp} {MfaSteps.MfaOob}"), ("channel_hint", Pick(r, ["push", "sms", "voice"]))),
            10 => FormPost($"{oauth}/v1/primary-authenticate", ("client_id", V("client")), ("login_hint", V("pushLogin")), ("channel_hint", Pick(r, ["push", "sms", "voice"])), ("challenge_hint", GrantTypes.Oob)),
            11 => FormPost($"{oauth}/v1/oob-authenticate", ("client_id", V("client")), ("login_hint", V("pushLogin")), ("channel_hint", "push")),
            12 => FormPost($"{oauth}/v1/introspect", ("client_id", V("client")), ("token", Pick(r, [V("access"), V("refresh"), V("idToken")])), ("token_type_hint", Pick(r, ["access_token", "refresh_token", "id_token"]))),
            13 => FormPost($"{oauth}/v1/revoke", ("client_id", V("client")), ("token", Pick(r, [V("access"), Junk(r, 40)])), ("token_type_hint", "access_token")),
            14 => Get($"{oauth}/v1/userinfo", ("Authorization", "Bearer " + V("access"))),
            15 => FormPost($"{oauth}/v1/userinfo", ("access_token", V("access"))) with { Headers = [("Authorization", "Bearer " + V("access"))] },
            16 => Get($"{oauth}/v1/keys?client_id={V("client")}"),
            17 => Get(Pick(r, ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", $"{oauth}/.well-known/openid-configuration", $"{oauth}/.well-known/oauth-authorization-server"])),
            18 => Get($"{oauth}/v1/authorize?client_id={V("client")}&response_type=code&scope=openid"),
            19 => Raw("POST", Pick(r, [PushDeviceApi.ActivatePath, PushDeviceApi.AnswerPath]), Encoding.ASCII.GetBytes(deviceJws.Count > 0 ? Pick(r, [.. deviceJws]) : FakeJwt(r)), PushDeviceApi.JoseContentType),
            20 => Get(PushDeviceApi.EventsPath, ("Authorization", Pick(r, ["Bearer " + FakeJwt(r), "DPoP " + Junk(r, 20), "Push " + (deviceJws.Count > 0 ? deviceJws[0] : "x")]))),
            21 => Admin(Get(Pick(r, ["/api/v1/users", $"/api/v1/users?q={Junk(r, 3)}", "/api/v1/users?search=profile.login%20eq%20%22a%22", "/api/v1/users?filter=status%20eq%20%22ACTIVE%22&limit=2", $"/api/v1/users?limit={r.Next(-5, 500)}&after={Junk(r, 12)}", $"/api/v1/users/{V("plainUser")}", $"/api/v1/users/{V("plainLogin")}"]))),
            22 => Admin(JsonPost("/api/v1/users?activate=" + Pick(r, ["true", "false", "maybe"]), new JsonObject
            {
                ["profile"] = new JsonObject { ["login"] = $"fuzz-{r.Next(100000)}@example.com", ["email"] = $"fuzz-{r.Next(100000)}@example.com", ["firstName"] = "F", ["lastName"] = "Z", ["mobilePhone"] = "+14155550100" },
                ["credentials"] = new JsonObject { ["password"] = new JsonObject { ["value"] = "Fuzz-password-" + r.Next() } },
            })),
            23 => Admin(JsonPost($"/api/v1/users/{Pick(r, [V("plainUser"), V("totpUser")])}", new JsonObject
            {
                ["profile"] = new JsonObject { ["firstName"] = Junk(r, 5), ["mobilePhone"] = "+1415555" + r.Next(1000, 9999) },
            })),
            24 => Admin(Raw("POST", $"/api/v1/users/{Pick(r, [V("plainUser"), V("pushUser"), Junk(r, 20)])}/lifecycle/{Pick(r, ["activate", "deactivate", "suspend", "unsuspend", "unlock", "reset_password", "expire_password", Junk(r, 6)])}", null, null)),
            25 => Admin(r.Next(3) switch
            {
                0 => Get($"/api/v1/users/{V("totpUser")}/factors"),
                1 => JsonPost($"/api/v1/users/{Pick(r, [V("plainUser"), V("totpUser")])}/factors", new JsonObject { ["factorType"] = Pick(r, ["token:software:totp", "push", "sms", "call", "question"]), ["provider"] = Pick(r, ["GOOGLE", "OKTA"]), ["profile"] = new JsonObject { ["phoneNumber"] = "+14155550123", ["algorithm"] = "SHA256", ["digits"] = 8 } }),
                _ => JsonPost($"/api/v1/users/{V("totpUser")}/factors/{V("totpFactor")}/lifecycle/activate", new JsonObject { ["passCode"] = r.Next(1000000).ToString("D6") }),
            }),
            26 => Admin(r.Next(3) switch
            {
                0 => Get(Pick(r, ["/api/v1/groups", $"/api/v1/groups/{V("group")}", $"/api/v1/groups/{V("group")}/users", $"/api/v1/users/{V("plainUser")}/groups"])),
                1 => JsonPost("/api/v1/groups", new JsonObject { ["profile"] = new JsonObject { ["name"] = "g" + r.Next(), ["description"] = Junk(r, 10) } }),
                _ => Raw("PUT", $"/api/v1/groups/{V("group")}/users/{Pick(r, [V("plainUser"), Junk(r, 20)])}", null, null),
            }),
            27 => Admin(r.Next(4) switch
            {
                0 => Get(Pick(r, ["/api/v1/policies", $"/api/v1/policies/{V("policy")}", $"/api/v1/policies/{V("policy")}/rules", $"/api/v1/apps/{V("client")}/policy?user={V("plainUser")}"])),
                1 => JsonPost("/api/v1/policies", new JsonObject { ["name"] = "p" + r.Next(), ["description"] = "d" }),
                2 => JsonPost($"/api/v1/policies/{V("policy")}/rules", new JsonObject { ["name"] = "r" + r.Next(), ["priority"] = r.Next(-2, 5), ["groups"] = new JsonArray(V("group")), ["primaryFactors"] = new JsonArray("password", "oob:push"), ["secondFactor"] = "required", ["secondFactors"] = new JsonArray("otp"), ["numberChallenge"] = "always" }),
                _ => JsonSend("PUT", $"/api/v1/policies/{V("policy")}/rules/{V("rule")}", new JsonObject { ["primaryFactors"] = new JsonArray("password", "oob:push", "oob:sms", "oob:voice"), ["secondFactor"] = "if_enrolled", ["numberChallenge"] = Pick(r, ["always", "risky", "never"]) }),
            }),
            28 => Admin(r.Next(4) switch
            {
                0 => Get(Pick(r, ["/api/v1/authorizationServers", "/api/v1/authorizationServers/default", "/api/v1/authorizationServers/default/scopes", "/api/v1/authorizationServers/default/credentials/keys"])),
                1 => JsonPost("/api/v1/authorizationServers", new JsonObject { ["name"] = "s" + r.Next(), ["audiences"] = new JsonArray("api://fuzz"), ["signingAlg"] = Pick(r, ["RS256", "ES256", "none"]) }),
                2 => JsonPost("/api/v1/authorizationServers/default/scopes", new JsonObject { ["name"] = "fuzz:" + r.Next(), ["description"] = "x" }),
                _ => JsonPost("/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate", new JsonObject { ["use"] = "sig" }),
            }),
            29 => Admin(r.Next(3) switch
            {
                0 => Get(Pick(r, ["/oauth2/v1/clients", $"/oauth2/v1/clients/{V("client")}", $"/oauth2/v1/clients?limit={r.Next(-1, 300)}"])),
                1 => JsonPost("/oauth2/v1/clients", new JsonObject { ["client_name"] = "c" + r.Next(), ["application_type"] = Pick(r, ["native", "web", "service", "browser"]), ["grant_types"] = new JsonArray("password", "refresh_token"), ["token_endpoint_auth_method"] = Pick(r, ["none", "client_secret_basic", "client_secret_post", "private_key_jwt"]) }),
                _ => Raw("POST", $"/oauth2/v1/clients/{V("secretClient")}/lifecycle/{Pick(r, ["newSecret", "activate", "deactivate", "explode"])}", null, null),
            }),
            30 => Admin(Get(Pick(r, ["/api/v1/logs", $"/api/v1/logs?since={Pick(r, ["2020-01-01T00:00:00Z", "yesterday", "9999-12-31T23:59:59Z"])}&limit={r.Next(-1, 2000)}", "/api/v1/logs?filter=eventType%20eq%20%22user.session.start%22", $"/api/v1/logs?q={Junk(r, 4)}&sortOrder={Pick(r, ["ASCENDING", "DESCENDING", "sideways"])}", $"/api/v1/logs?after={Junk(r, 10)}"]))),
            31 => Admin(r.Next(3) switch
            {
                0 => Get($"/api/v1/users/{V("totpUser")}/recovery-codes"),
                1 => Raw("POST", $"/api/v1/users/{V("totpUser")}/recovery-codes", null, null),
                _ => Get(Pick(r, ["/api/v1/outbox", $"/api/v1/outbox?limit={r.Next(-3, 100)}"])),
            }),
            32 => Admin(JsonPost($"/api/v1/users/{V("plainUser")}/factors/{Junk(r, 20)}/resend", new JsonObject())),
            33 => FormPost($"{oauth}/v1/primary-authenticate", [("client_id", V("client")), ("challenge_hint", GrantTypes.Webauthn), .. (r.Next(2) == 0 ? new[] { ("login_hint", Pick(r, [V("plainLogin"), V("totpLogin"), Junk(r, 12)])) } : []), .. (r.Next(3) == 0 ? new[] { ("mfa_token", V("mfaToken")) } : [])]),
            34 => FormPost($"{oauth}/v1/token", ("grant_type", Pick(r, [GrantTypes.Webauthn, GrantTypes.MfaWebauthn])), ("client_id", V("client")), ("mfa_token", V("mfaToken")), ("scope", "openid"),
                ("clientDataJSON", Pick(r, [B64Json(r), Junk(r, 30)])), ("authenticatorData", Pick(r, [B64(r, 37), B64(r, 3), B64(r, 200), Junk(r, 20)])), ("signature", Pick(r, [B64(r, 71), Junk(r, 10)])), ("userHandle", B64(r, 32))),
            35 => Get(Pick(r, ["/.well-known/apple-app-site-association", "/.well-known/assetlinks.json"])),
            36 => Admin(r.Next(2) == 0
                ? JsonPost($"/api/v1/users/{V("plainUser")}/factors", new JsonObject { ["factorType"] = "webauthn", ["provider"] = Pick(r, ["FIDO", "OKTA"]), ["profile"] = new JsonObject { ["authenticatorName"] = Junk(r, 8) } })
                : JsonPost($"/api/v1/users/{V("plainUser")}/factors/{Junk(r, 20)}/lifecycle/activate", new JsonObject { ["attestation"] = B64(r, 120), ["clientData"] = B64Json(r) })),
            37 => FormPost($"{oauth}/v1/challenge", ("client_id", V("client")), ("mfa_token", V("mfaToken")), ("challenge_types_supported", GrantTypes.MfaWebauthn)),
            _ => Get(Pick(r, ["/openapi/v1.json", $"/api/v1/users/{V("totpUser")}/factors/{V("totpFactor")}/qr/{Junk(r, 30)}", "/", "/favicon.ico"])),
        };
    }

    // ---------- mutations ----------

    private FuzzRequest Mutate(Random r, FuzzRequest request)
    {
        switch (r.Next(14))
        {
            case 0 or 1 or 2 or 3 when request.ContentType == Form && request.Body is not null:
                return request with { Body = MutateForm(r, request.Body) };
            case 0 or 1 or 2 or 3 when request.ContentType == Json && request.Body is not null:
                return request with { Body = MutateJson(r, request.Body) };
            case 4:
                return request with { ContentType = Pick<string?>(r, [null, "text/plain", Json, Form, "application/x-www-form-urlencoded; charset=iso-8859-1", "application/x-www-form-urlencoded; charset=utf-8", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "*/*", "application/jose", ";;;", "application/x-www-form-urlencoded; boundary=\"", "application/json; x=" + new string('a', 2000)]) };
            case 5:
                return request with { Headers = [.. request.Headers.Where(h => h.Name != "Authorization"), ("Authorization", Credentials(r))] };
            case 6:
                return request with { Headers = [.. request.Headers, Pick(r, ExtraHeaders(r))] };
            case 7:
                return request with { Method = Pick(r, ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FUZZ"]) };
            case 8:
                return request with { Path = MutatePath(r, request.Path) };
            case 9:
                return request with { Path = request.Path + (request.Path.Contains('?') ? "&" : "?") + Pick(r, ["a=%ZZ", "a=%C0%AF", "a=%FF%FE", "limit=99999999999999999999", "after=%00", "q=" + Uri.EscapeDataString(Hostile(r)), "=&&==", "client_id=a&client_id=b", "limit=-1", "limit=1e3", "filter=" + Uri.EscapeDataString("status eq \"ACTIVE\" or (x)"), "search=" + Uri.EscapeDataString("profile.login sw \"" + Hostile(r) + "\"")]) };
            case 10:
                return request with { Body = Pick(r, [[], RandomBytes(r, r.Next(1, 300)), Encoding.UTF8.GetBytes(Hostile(r)), new byte[] { 0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}' }, Encoding.UTF8.GetBytes(new string('[', 5000))]) };
            case 11 when request.Body is not null:
                return request with { Body = request.Body[..r.Next(request.Body.Length + 1)] };
            case 12 when request.Body is not null && request.Body.Length > 0:
                var flipped = (byte[])request.Body.Clone();
                for (var i = 0; i < 1 + r.Next(4); i++) flipped[r.Next(flipped.Length)] = (byte)r.Next(256);
                return request with { Body = flipped };
            default:
                return request with { Headers = request.Headers.Where(_ => r.Next(2) == 0).ToList() };
        }
    }

    private byte[] MutateForm(Random r, byte[] body)
    {
        var pairs = Encoding.UTF8.GetString(body).Split('&').Select(p => p.Split('=', 2)).Select(p => (Name: p[0], Value: p.Length > 1 ? p[1] : "")).ToList();
        var i = pairs.Count == 0 ? 0 : r.Next(pairs.Count);
        switch (r.Next(9))
        {
            case 0 when pairs.Count > 0: pairs.RemoveAt(i); break;
            case 1 when pairs.Count > 0: pairs.Add(pairs[i]); break;
            case 2 when pairs.Count > 0: pairs[i] = (pairs[i].Name, Uri.EscapeDataString(Hostile(r))); break;
            case 3 when pairs.Count > 0: pairs[i] = (pairs[i].Name, Pick(r, ["%", "%G1", "%E2%82", "%00", "+", "%C3%28", ""])); break;
            case 4: pairs.Add((Uri.EscapeDataString(Pick(r, ["grant_type", "client_id", "scope", "client_secret", "client_assertion", "mfa_token", "oob_code", "binding_code", "otp", "login_hint", "channel_hint", "token", "clientDataJSON", "authenticatorData", "signature", "userHandle", "challenge_hint", "username", Junk(r, 5)])), Uri.EscapeDataString(Hostile(r)))); break;
            case 5 when pairs.Count > 0: pairs[i] = (pairs[i].Name, Uri.EscapeDataString(Pick(r, [V("access"), V("refresh"), V("idToken"), V("mfaToken"), V("oobCode"), V("client"), V("secretClient"), V("plainLogin"), V("pushLogin"), V("totpLogin"), GrantTypes.Oob, MfaSteps.MfaOob, MfaSteps.MfaOtp, GrantTypes.Webauthn, GrantTypes.MfaWebauthn, "password", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"]))); break;
            case 6 when pairs.Count > 0: pairs[i] = (pairs[i].Name.ToUpperInvariant(), pairs[i].Value); break;
            case 7: pairs = [.. pairs.OrderBy(_ => r.Next())]; break;
            default: pairs.Add((pairs.Count > 0 ? pairs[i].Name : "x", pairs.Count > 0 ? pairs[i].Value + "x" : "")); break;
        }
        return Encoding.UTF8.GetBytes(string.Join('&', pairs.Select(p => p.Name + "=" + p.Value)));
    }

    private static byte[] MutateJson(Random r, byte[] body)
    {
        try { return MutateJsonTree(r, body); }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException) { return body; } // an earlier mutation broke it (e.g. a duplicate key)
    }

    private static byte[] MutateJsonTree(Random r, byte[] body)
    {
        var root = JsonNode.Parse(body);
        if (root is null) return body;
        var targets = new List<JsonNode>();
        void Walk(JsonNode node)
        {
            targets.Add(node);
            if (node is JsonObject o) foreach (var (_, child) in o.ToList()) { if (child is not null) Walk(child); }
            if (node is JsonArray a) foreach (var child in a.ToList()) { if (child is not null) Walk(child); }
        }
        Walk(root);
        var target = targets[r.Next(targets.Count)];
        switch (r.Next(8))
        {
            case 0: return Encoding.UTF8.GetBytes(root.ToJsonString()[..Math.Max(1, r.Next(root.ToJsonString().Length))]); // cut short
            case 1: return Encoding.UTF8.GetBytes(Pick(r, ["null", "[]", "\"text\"", "1e400", "{\"a\":1,\"a\":2}", "{" + string.Concat(Enumerable.Repeat("\"a\":{", 200)) + string.Concat(Enumerable.Repeat("}", 200)) + "}", "{\"profile\":" + new string('[', 300) + new string(']', 300) + "}"]));
            case 2 when target.Parent is JsonObject parent:
                parent[target.GetPropertyName()] = WrongValue(r);
                break;
            case 3 when target is JsonObject o:
                o[Pick(r, ["numberChalenge", "id", "_links", "status", "type", "profile", "credentials", "extra", Junk(r, 6)])] = WrongValue(r);
                break;
            case 4 when target is JsonObject o && o.Count > 0:
                o.Remove(o.ElementAt(r.Next(o.Count)).Key);
                break;
            case 5 when target is JsonArray a:
                a.Add(WrongValue(r));
                break;
            case 6 when target.Parent is JsonObject parent:
                parent[target.GetPropertyName()] = Hostile(r);
                break;
            default:
                return Encoding.UTF8.GetBytes(root.ToJsonString().Replace("\"", Pick(r, ["'", "\\\"", "\"\\u0000", "\"\\ud800"]), StringComparison.Ordinal));
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonNode? WrongValue(Random r) => r.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(r.Next(-5, 5) == 0 ? long.MaxValue : r.Next()),
        2 => JsonValue.Create(1e300),
        3 => JsonValue.Create(r.Next(2) == 0),
        4 => new JsonArray(1, "a", null),
        5 => new JsonObject { ["value"] = "x" },
        6 => JsonValue.Create(new string('x', r.Next(1, 70000))),
        7 => JsonValue.Create(-0.5m),
        _ => JsonValue.Create(Hostile(r)),
    };

    private string MutatePath(Random r, string path)
    {
        var (p, query) = path.IndexOf('?') is var q and >= 0 ? (path[..q], path[q..]) : (path, "");
        return Pick(r,
        [
            p + "/", p.ToUpperInvariant(), p + "/../../api/v1/users", p.Replace("/v1/", "/v2/", StringComparison.Ordinal), p + "%2F..%2F", p + "/" + Junk(r, 10),
            p.Replace("default", Pick(r, ["%00", "..", "%E2%80%AE", new string('a', 5000), "aus%20x", "org", "DEFAULT", "%C0%AE"]), StringComparison.Ordinal),
            p.Replace(V("plainUser"), Pick(r, ["%00", "..%2F", new string('0', 600), "00u" + Junk(r, 17), V("plainLogin").ToUpperInvariant()]), StringComparison.Ordinal),
            "//" + p.TrimStart('/'), p + ";jsessionid=1", p + "%3Bx",
        ]) + query;
    }

    private string Credentials(Random r) => Pick(r,
    [
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{V("secretClient")}:{Junk(r, 10)}")),
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(V("secretClient"))), // no colon
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("%ZZ:%ZZ")),
        "Basic " + Convert.ToBase64String(RandomBytes(r, 20)),
        "Basic !!!notbase64!!!", "Basic", "Basic  ", "Bearer", "Bearer " + V("access"), "Bearer " + V("idToken"), "Bearer " + V("refresh"),
        "Bearer " + FakeJwt(r), "SSWS", "SSWS " + Junk(r, 30), "SSWS " + Infrastructure.TestServerFactory.AdminToken + "x", "DPoP " + FakeJwt(r),
        Junk(r, 40), "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(V("client") + ":")),
    ]);

    private (string, string)[] ExtraHeaders(Random r) =>
    [
        ("X-Forwarded-For", Pick(r, ["1.2.3.4", "::1, 10.0.0.1", "not-an-ip", new string('9', 3000), "300.300.300.300"])),
        ("Accept", Pick(r, ["text/html", "application/xml", "*/*;q=0", ";;;"])),
        ("Accept-Language", Junk(r, 30)),
        ("Last-Event-ID", Pick(r, ["-1", "99999999999999999999999", Junk(r, 12), "0"])),
        ("User-Agent", Hostile(r).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal)),
        ("Origin", "https://evil.example"),
        ("X-HTTP-Method-Override", "DELETE"),
        ("Content-Encoding", Pick(r, ["gzip", "br", "identity"])),
        ("Expect", "100-continue"),
    ];

    private static string Hostile(Random r) => Pick(r,
    [
        "", " ", "\0", "a\u0000b", "\u202Eevil", "\r\nX-Injected: 1", "\u001b[31mred", "' OR 1=1 --", "\"; DROP TABLE users; --", "<script>alert(1)</script>",
        "${jndi:ldap://x}", "../../etc/passwd", "%00", "\uFFFF", "\uD83D\uDE00", "ＡＢＣ", "a@b", "@", "a@", "+1", "+", "99999999999999999999999999",
        "-1", "0", "1e400", "NaN", "null", "true", "[]", "{}", new string('a', 300), new string('x', 5000), "eyJhbGciOiJub25lIn0.e30.", "a b c",
        "openid openid", "openid\tprofile", "urn:okta:params:oauth:grant-type:oob", "*", "%", "\\", "\u0085", "\u2028",
    ]);

    private static string FakeJwt(Random r)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Pick(r, ["{\"alg\":\"none\"}", "{\"alg\":\"RS256\",\"kid\":\"" + Junk(r, 8) + "\"}", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"alg\":\"ES256\",\"jwk\":{}}", "not json", "{\"alg\":[1]}", "{\"crit\":[\"x\"],\"alg\":\"RS256\"}"]);
        var payload = Pick(r, ["{}", "{\"iss\":\"x\",\"sub\":\"x\",\"aud\":\"x\",\"exp\":99999999999,\"jti\":\"" + Junk(r, 8) + "\"}", "{\"exp\":\"soon\"}", "[]", "{\"exp\":1e400}", "{\"txn\":\"x\",\"decision\":\"approve\",\"iat\":-1}"]);
        return Pick(r, [$"{B64(header)}.{B64(payload)}.{B64(Junk(r, 20))}", $"{B64(header)}.{B64(payload)}", $"{B64(header)}.{B64(payload)}.", "a.b.c.d.e", "...", Junk(r, 50)]);
    }

    private static string Junk(Random r, int length)
    {
        const string chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        return new string(Enumerable.Range(0, length).Select(_ => chars[r.Next(chars.Length)]).ToArray());
    }

    private static byte[] RandomBytes(Random r, int length)
    {
        var bytes = new byte[length];
        r.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random r, T[] items) => items[r.Next(items.Length)];

    // ---------- request builders ----------

    private static FuzzRequest FormPost(string path, params (string Name, string Value)[] form) =>
        new("POST", path, [], Encoding.UTF8.GetBytes(string.Join('&', form.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)))), Form);

    private static FuzzRequest JsonPost(string path, JsonNode body) => JsonSend("POST", path, body);

    private static FuzzRequest JsonSend(string method, string path, JsonNode body) => new(method, path, [], Encoding.UTF8.GetBytes(body.ToJsonString()), Json);

    private static FuzzRequest Get(string path, params (string Name, string Value)[] headers) => new("GET", path, [.. headers], null, null);

    private static FuzzRequest Raw(string method, string path, byte[]? body, string? contentType) => new(method, path, [], body, contentType);

    private static FuzzRequest Admin(FuzzRequest request) =>
        request with { Headers = [.. request.Headers, ("Authorization", "SSWS " + Infrastructure.TestServerFactory.AdminToken)] };

    private static FuzzRequest WithBasic(FuzzRequest request, string id, string secret) =>
        request with { Headers = [.. request.Headers, ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}")))] };

    private static string B64(Random r, int length)
    {
        var bytes = new byte[length];
        r.NextBytes(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    /// <summary>A clientDataJSON-like object, base64url: sometimes well formed, sometimes not.</summary>
    private static string B64Json(Random r) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Pick(r, [
        $$"""{"type":"webauthn.get","challenge":"{{B64(r, 32)}}","origin":"http://localhost"}""",
        """{"type":"webauthn.get","challenge":17}""", "[]", "{", "null", $$"""{"challenge":"{{Junk(r, 10)}}"}""",
    ])));
}
