/**
 * The control plane's services, free of the framework and of DynamoDB items: {@link
 * dev.dolly.functions.service.CommandService} routes each command to the class whose job it is (clone
 * lifecycle, clone settings, catalog queries), with the clone state machine in {@link
 * dev.dolly.functions.service.CloneStates}; placement, host heartbeats, refresh tracking and the scheduled
 * reaper sit beside them. They work on the records of {@code dev.dolly.functions.domain}.
 */
package dev.dolly.functions.service;
