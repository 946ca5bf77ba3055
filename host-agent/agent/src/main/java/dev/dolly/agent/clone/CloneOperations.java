package dev.dolly.agent.clone;

import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CloneView;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.ResetRequest;
import dev.dolly.agent.api.SavepointRequest;
import dev.dolly.agent.api.SavepointView;
import dev.dolly.agent.api.UpdateCloneRequest;
import java.util.List;

/** The clone lifecycle as the API offers it. */
public interface CloneOperations {

    /** The credentials and whether this call made the clone (false: it existed; its password was rotated). */
    record Created(CloneCredentials credentials, boolean created) {}

    Created create(CreateCloneRequest request);

    List<CloneView> list();

    CloneView get(String cloneId);

    CloneView update(String cloneId, UpdateCloneRequest request);

    CloneView reset(String cloneId, ResetRequest request);

    CloneCredentials rotatePassword(String cloneId);

    List<SavepointView> savepoints(String cloneId);

    SavepointView savepoint(String cloneId, SavepointRequest request);

    void deleteSavepoint(String cloneId, String savepoint);

    void destroy(String cloneId);
}
