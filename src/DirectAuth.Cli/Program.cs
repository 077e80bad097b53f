using System.CommandLine;
using DirectAuth.Cli.Admin;

// directauth: one command per part of the seeds' story, each in its own folder.
//   admin          the operator: users, apps, keys, logs over the management API
var root = new RootCommand("DirectAuth command line: administer a DirectAuth server.")
{
    AdminCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
