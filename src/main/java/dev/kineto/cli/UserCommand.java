package dev.kineto.cli;

import dev.kineto.server.ServerConfig;
import dev.kineto.server.Store;
import dev.kineto.server.User;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `kineto user add NAME`: accounts for the server, written straight to its database (the server may be running). */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage the server's users.",
        subcommands = {UserCommand.Add.class, UserCommand.Grant.class})
public final class UserCommand {

    /** The server's database: SQLite in its data directory, or the PostgreSQL database its nodes share. */
    static final class DataDir {
        @Option(names = "--data", paramLabel = "DIR", defaultValue = ServerConfig.DEFAULT_DATA, description = "The server's data directory (default: ${DEFAULT-VALUE}).")
        Path path;

        @Option(names = "--db", paramLabel = "URL", description = "The server's PostgreSQL database, postgresql://HOST[:PORT]/DB?user=... (default: SQLite in --data).")
        String url;

        Store open() {
            return Store.open(url, path);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create a user and print their new API key (the only time it is shown; only its hash is stored).")
    static final class Add implements Runnable {
        @Parameters(paramLabel = "NAME", description = "Login name: letters, digits, '_', '.' or '-'.")
        String name;

        @Mixin
        DataDir dataDir;

        @Option(names = "--credits", defaultValue = "0", description = "Purchased credits to start with, spent after the daily free allowance.")
        long credits;

        @Option(names = "--paid", description = "Paid tier: their jobs are taken from the queue before free users' jobs.")
        boolean paid;

        @Option(names = "--admin", description = "May open the admin view.")
        boolean admin;

        @Override
        public void run() {
            try (Store store = dataDir.open()) {
                var created = store.accounts().createUser(name, paid ? User.PAID : User.FREE, admin, credits);
                System.err.println("created " + (paid ? "paid" : "free") + (admin ? " admin" : "") + " user " + name + " with " + credits
                        + " purchased credits; webhook secret " + created.user().webhookSecret() + "; API key:");
                System.out.println(created.apiKey());
            }
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true, description = "Add purchased credits to a user, optionally moving them to the paid tier.")
    static final class Grant implements Runnable {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        DataDir dataDir;

        @Option(names = "--credits", required = true, description = "Credits to add.")
        long credits;

        @Option(names = "--paid", description = "Move the user to the paid tier.")
        boolean paid;

        @Override
        public void run() {
            try (Store store = dataDir.open()) {
                User user = store.accounts().userByName(name).orElseThrow(() -> new IllegalArgumentException("no user '" + name + "'; create one with `kineto user add " + name + "`"));
                store.accounts().grant(user.id(), credits, paid ? User.PAID : user.tier());
                System.out.println(name + " now has " + store.accounts().userById(user.id()).orElseThrow().credits() + " purchased credits");
            }
        }
    }
}
