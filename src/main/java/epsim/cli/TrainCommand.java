package epsim.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a chip on a dataset (coming with the training issue).")
final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("epsim: train is coming; run './epsim testbench testbenches' meanwhile");
        return 1;
    }
}
