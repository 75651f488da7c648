import Foundation

exit(await Runner.run(Array(CommandLine.arguments.dropFirst())))
