using LibvirtRemote.Transport.Sasl.Server;

namespace LibvirtRemote.Cli.Commands;

/// <summary>
/// <c>sasl-user add|remove|list --db FILE [USER]</c>: manages the server's SASL user database (salted, hashed
/// secrets only). The password for <c>add</c> is read from the first line of standard input, so it never shows in
/// the process list.
/// </summary>
internal static class SaslUserCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? db = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--db" && i + 1 < args.Length)
            {
                db = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        if (db is null || rest.Count == 0 || (rest[0] != "list" && rest.Count != 2))
        {
            Console.Error.WriteLine("usage: Cli sasl-user add|remove USER --db FILE   (add reads the password from stdin)");
            Console.Error.WriteLine("       Cli sasl-user list --db FILE");
            return 64;
        }

        SaslUserDatabase users = File.Exists(db) ? await SaslUserDatabase.LoadAsync(db).ConfigureAwait(false) : new SaslUserDatabase();
        switch (rest[0])
        {
            case "add":
                string? password = await Console.In.ReadLineAsync().ConfigureAwait(false);
                if (string.IsNullOrEmpty(password))
                {
                    Console.Error.WriteLine("sasl-user: no password on standard input");
                    return 65;
                }

                users.AddUser(rest[1], password);
                break;
            case "remove":
                if (!users.RemoveUser(rest[1]))
                {
                    Console.Error.WriteLine($"sasl-user: no user '{rest[1]}'");
                    return 67;
                }

                break;
            case "list":
                foreach (SaslUser user in users.Users)
                {
                    Console.WriteLine(user.Name);
                }

                return 0;
            default:
                Console.Error.WriteLine($"sasl-user: unknown action '{rest[0]}'");
                return 64;
        }

        await users.SaveAsync(db).ConfigureAwait(false);
        return 0;
    }
}
