using System.CommandLine;
using DirectAuth.Cli;
using DirectAuth.Cli.Admin;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Cli.Login;

// directauth: one command per part of the seeds' story, each in its own folder.
//   admin          the operator: users, apps, keys, logs over the management API
//   login          the seeds' client app: signs a user in with any flow through the DirectAuth.Client SDK
//   authenticator  the user's phone: push approval with number challenge, TOTP codes
CliConsole.Configure();
var root = new RootCommand("DirectAuth command line: administer a DirectAuth server.")
{
    AdminCommand.Create(),
    LoginCommand.Create(),
    AuthenticatorCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
